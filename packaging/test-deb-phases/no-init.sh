# phase 3 of packaging/test-deb: the package where no init system runs
. /root/common.sh
set -x
[[ ! -d /run/systemd/system ]] || fail "systemd is running here"

check "dpkg -i without systemd: nothing started, the unit enabled"
dpkg -i /root/emperor.deb
[[ -L /etc/systemd/system/multi-user.target.wants/emperor.service ]] || fail "emperor.service not enabled"
pgrep -f emperor.jar && fail "something started the daemon"

check "--version, --help, man page, completion, unit"
emperor --version | grep -q '^emperor [0-9]' || fail "--version"
emperor --help | grep -q -- '--emperor-stats' || fail "--help"
page=$(MANWIDTH=100 man -P cat -l /usr/share/man/man8/emperor.8.gz 2>&1)
for word in emperor-freq reload-mercy NOTIFY_SOCKET WATCHDOG_USEC SIGNALS 'EXIT STATUS' /etc/emperor/emperor.ini; do
    grep -q -- "$word" <<<"$page" || fail "man page lacks $word"
done
bash -c '. /usr/share/bash-completion/completions/emperor && complete -p emperor' | grep -q emperor || fail "completion"
systemd-analyze verify /lib/systemd/system/emperor.service || fail "systemd-analyze verify"

check "a short run of the installed daemon on a demo vassal"
demo_app
cat > /etc/uwsgi/vassals/hello.ini <<'INI'
[uwsgi]
plugins = python3
http-socket = 127.0.0.1:9090
wsgi-file = /srv/hello/hello.py
INI
emperor ctl status >/dev/null 2>&1 || true     # nobody listens yet; must write nothing
emperor --ini /etc/emperor/emperor.ini > /root/short-run.log 2>&1 &
pid=$!
until_ok 60 "the vassal behind the installed daemon" answers 9090 'hello from a vassal'
curl -fsS --max-time 2 http://127.0.0.1:9191/ | grep -q '"hello.ini"' || fail "stats on 127.0.0.1:9191"
emperor ctl status | grep -q hello.ini || fail "emperor ctl status"
kill -TERM "$pid"
wait "$pid" || fail "daemon exit status $? ($(cat /root/short-run.log))"
grep -q 'The Emperor is buried' /root/short-run.log || fail "no burial in the log"
pgrep -x uwsgi && fail "uwsgi processes left behind"
find / -xdev -name 'emperor-*.jsa*' -not -path '/root/.cache/emperor/*' | grep . && fail "a class-data archive outside the user's cache"
rm /etc/uwsgi/vassals/hello.ini

check "Debian's stock /etc/uwsgi-emperor/emperor.ini (from the real uwsgi-emperor package), unchanged"
dpkg -s uwsgi-emperor | grep -q '^Status: install ok installed' || fail "uwsgi-emperor is not installed in the root"
dpkg --verify uwsgi-emperor || fail "the stock files were changed"
cat > /etc/uwsgi-emperor/vassals/stock.ini <<'INI'
[uwsgi]
plugins = python3
http-socket = 127.0.0.1:9092
wsgi-file = /srv/hello/hello.py
INI
emperor --ini /etc/uwsgi-emperor/emperor.ini > /root/stock-run.log 2>&1 &
pid=$!
until_ok 60 "the vassal under the stock emperor.ini" answers 9092 'hello from a vassal'
[[ $(ps -o user= -p "$pid") == www-data ]] || fail "uid = www-data of the stock file not applied"
kill -TERM "$pid"
wait "$pid" || fail "daemon exit status $? ($(cat /root/stock-run.log))"
pgrep -x uwsgi && fail "uwsgi processes left behind"
rm /etc/uwsgi-emperor/vassals/stock.ini

check "dpkg -r keeps the conffiles, --purge removes everything"
dpkg -r emperor
[[ ! -e /usr/bin/emperor && ! -e /usr/share/emperor && ! -e /lib/systemd/system/emperor.service ]] || fail "files left after dpkg -r"
[[ -f /etc/emperor/emperor.ini ]] || fail "conffile removed by dpkg -r"
dpkg --purge emperor
[[ ! -e /etc/emperor && ! -e /var/cache/emperor && ! -e /var/log/emperor && ! -e /etc/logrotate.d/emperor ]] || fail "left after purge"
[[ ! -e /etc/systemd/system/multi-user.target.wants/emperor.service ]] || fail "enablement link left after purge"
dpkg -s emperor >/dev/null 2>&1 && fail "still known to dpkg"
echo "no-init: OK"
