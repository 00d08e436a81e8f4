# shared by the phases of packaging/test-deb (run inside the Debian 12 root)
set -euo pipefail
export LC_ALL=C.UTF-8 PATH=/usr/sbin:/usr/bin:/sbin:/bin
fail() { echo "FAIL: $*" >&2; exit 1; }
check() { echo "--- $*"; }
# until SECONDS DESCRIPTION COMMAND...: polls (every 0.2 s) until COMMAND succeeds
until_ok() {
    local limit=$1 what=$2 flags=$-; shift 2
    local end=$((SECONDS + limit))
    set +x
    until "$@" >/dev/null 2>&1; do
        ((SECONDS < end)) || fail "gave up after $limit s waiting for: $what"
        sleep 0.2
    done
    [[ $flags != *x* ]] || set -x
}
answers() { curl -fsS --max-time 2 "http://127.0.0.1:$1/" | grep -q "$2"; }
demo_app() {
    mkdir -p /srv/hello
    cat > /srv/hello/hello.py <<'PY'
def application(env, start_response):
    start_response('200 OK', [('Content-Type', 'text/plain')])
    return [b'hello from a vassal\n']
PY
}
