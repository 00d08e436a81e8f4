#!/usr/bin/python3 -IS
"""Test stand-in for the BASE-VASSAL side of a uWSGI fork-server session.

Debian's uWSGI 2.0.21 has no fork server (it exists only in uWSGI master,
core/fork_server.c).  This script replaces the uWSGI binary for the emperor
under test (``binary-path = /path/to/fork_server.py``) and behaves as follows:

* Its configuration (``--ini FILE[:section]``, ``--inherit``/``--include`` of
  .ini files, a lone ``FILE.ini`` argument, ``--set k=v``, ``--k v``,
  ``--k=v``) asks for ``fork-server = PATH`` (alias ``fork-socket``)
  -> it becomes a fork server that follows core/fork_server.c
  (uwsgi_fork_server) step by step, except that the adopted grandchild execs
  the real uwsgi with ``--exit-on-reload`` + the received argv[1:] instead of
  re-entering configuration inside an already loaded process (master sets
  exit_on_reload=1 there, fork_server.c:215).
* Otherwise it execs the real uwsgi transparently with the same argv[1:],
  environment and fds (argv[0] replaced by the real uwsgi path).

Written from uWSGI master 6cbb2177ae48af91d2799ff3135abda545cf634c; the line
numbers quoted below ("fs.c:NN") are those of core/fork_server.c there.

Knobs that exist only in this stand-in (a real uWSGI treats an unknown ini key
as a placeholder and ignores it, so base.ini stays valid for a real master):
  fork-server-preload = SECONDS   (ini key or --fork-server-preload SECONDS)
  FORK_SERVER_PRELOAD=SECONDS     (environment; used when the key is absent)
  FORK_SERVER_UWSGI=/path/uwsgi   (environment; the real uwsgi to exec)
Default preload: 5 seconds.  See README.md next to this file.

Python 3 standard library only.
"""

import os
import sys

DEFAULT_PRELOAD = 5.0
VASSAL_HAS_CONFIG = 0x02      # fs.c:17
VASSAL_HAS_ON_DEMAND = 0x04   # fs.c:18
SELF = os.path.realpath(__file__)


# --------------------------------------------------------------------------
# logging (core/logging.c)
# --------------------------------------------------------------------------

def _write_log(text):
    data = text.encode("utf-8", "replace")
    while data:
        try:
            n = os.write(2, data)
        except InterruptedError:
            continue
        except OSError:
            return
        data = data[n:]


def uwsgi_log(msg):
    """uwsgi_log(): no prefix."""
    _write_log(msg)


def uwsgi_log_verbose(msg):
    """uwsgi_log_verbose(): first 24 chars of ctime() + ' - '."""
    import time
    _write_log("%s - %s" % (time.ctime(), msg))


def uwsgi_error(what, err, line):
    """uwsgi_error(x): "%s: %s [%s line %d]" with strerror(errno)."""
    msg = err.strerror if isinstance(err, OSError) and err.strerror else str(err)
    _write_log("%s: %s [core/fork_server.c line %d]\n" % (what, msg, line))


# --------------------------------------------------------------------------
# the real uwsgi binary
# --------------------------------------------------------------------------

def real_uwsgi():
    explicit = os.environ.get("FORK_SERVER_UWSGI")
    if explicit:
        return explicit
    for d in os.environ.get("PATH", "/usr/local/bin:/usr/bin:/bin").split(os.pathsep):
        cand = os.path.join(d or ".", "uwsgi")
        if os.path.isfile(cand) and os.access(cand, os.X_OK) and os.path.realpath(cand) != SELF:
            return cand
    return "/usr/bin/uwsgi"


def exec_real_uwsgi(args, env=None):
    """execve() the real uwsgi with argv[0] replaced by its path.

    Python ignores SIGPIPE and SIGXFSZ at start-up; ignored dispositions
    survive exec, so put them back to default first (uWSGI started by an
    emperor gets default dispositions)."""
    try:
        import _signal as signal  # the C module: 'signal' pulls in enum (start-up time)
    except ImportError:
        import signal
    for name in ("SIGPIPE", "SIGXFSZ"):
        sig = getattr(signal, name, None)
        if sig is not None:
            signal.signal(sig, signal.SIG_DFL)
    binary = real_uwsgi()
    argv = [os.fsencode(binary)] + [a if isinstance(a, bytes) else os.fsencode(a) for a in args]
    try:
        os.execve(binary, argv, os.environ if env is None else env)
    except OSError as e:
        _write_log("[fork-server stand-in] unable to exec %s: %s\n" % (binary, e))
        os._exit(1)


# --------------------------------------------------------------------------
# just enough of uWSGI's option parsing to find fork-server & co.
# --------------------------------------------------------------------------

class Options:
    """Ordered (key, value) list; for the scalar options used here the last
    value wins, as with uwsgi_opt_set_str/int."""

    def __init__(self):
        self.items = []

    def add(self, key, value):
        self.items.append((key, value))

    def get(self, *keys):
        found = None
        for k, v in self.items:
            if k in keys:
                found = v
        return found

    def has(self, *keys):
        return any(k in keys for k, _ in self.items)


def _magic(text, path, section):
    """The magic variables uwsgi_open_and_read() expands in config files."""
    ap = os.path.abspath(path)
    d = os.path.dirname(ap)
    base = os.path.basename(ap)
    name, ext = os.path.splitext(base)
    table = {
        "d": d + "/", "p": ap, "s": base, "n": name, "e": ext,
        "c": os.path.basename(d), "x": section, "o": path, "O": ap,
        "v": os.getcwd(), "h": os.uname().nodename,
        "u": str(os.getuid()), "g": str(os.getgid()), "%": "%",
    }
    out = []
    i = 0
    while i < len(text):
        ch = text[i]
        if ch == "%" and i + 1 < len(text) and text[i + 1] in table:
            out.append(table[text[i + 1]])
            i += 2
            continue
        out.append(ch)
        i += 1
    return "".join(out)


def read_ini(spec, opts):
    """core/ini.c: uwsgi_ini_config() - section [uwsgi] unless FILE:section;
    '#'/';' comments; key/value split on the first '=', both stripped of
    ' ', '\\t', '\\r'; no quoting."""
    path, section = spec, "uwsgi"
    colon = spec.rfind(":")
    if colon > 0:
        path = spec[:colon]
        if spec[colon + 1:]:
            section = spec[colon + 1:]
    try:
        with open(path, "rb") as f:
            raw = f.read().decode("utf-8", "replace")
    except OSError:
        return False
    raw = _magic(raw, path, section)
    current = ""
    for line in raw.split("\n"):
        key = line.strip(" \t\r")
        if not key:
            continue
        if key[0] == "[":
            current = key[1:-1]
        elif key[0] in ";#":
            continue
        elif current == section:
            k, _, v = key.partition("=")
            opts.add(k.rstrip(" \t\r"), v.strip(" \t\r"))
    return True


def parse_args(args):
    """The subset of uwsgi_commandline_config() needed here."""
    opts = Options()
    i = 0
    while i < len(args):
        a = args[i]
        if a.startswith("--") and len(a) > 2:
            key, eq, val = a[2:].partition("=")
            if not eq:
                if i + 1 < len(args) and not args[i + 1].startswith("-"):
                    val = args[i + 1]
                    i += 1
                else:
                    val = "1"
            if key in ("ini", "inherit", "include", "config") and ".ini" in val:
                read_ini(val, opts)
            elif key == "set":
                k, _, v = val.partition("=")
                opts.add(k, v)
            else:
                opts.add(key, val)
        elif not a.startswith("-") and (a.endswith(".ini") or ".ini:" in a):
            read_ini(a, opts)
        i += 1
    # placeholder passes of uwsgi_setup(): $(ENV) then %(option)
    resolved = Options()
    for k, v in opts.items:
        v = _expand(v, "$(", lambda name: os.environ.get(name, ""))
        v = _expand(v, "%(", lambda name: opts.get(name) or "")
        resolved.add(k, v)
    return resolved


def _expand(value, opener, lookup):
    """Replace every OPENERname) by lookup(name) (no 're': it costs start-up time)."""
    out = []
    i = 0
    while True:
        j = value.find(opener, i)
        k = value.find(")", j + 2) if j >= 0 else -1
        if j < 0 or k < 0:
            out.append(value[i:])
            return "".join(out)
        out.append(value[i:j])
        out.append(lookup(value[j + 2:k]))
        i = k + 1


# --------------------------------------------------------------------------
# helpers mirroring core/io.c and core/socket.c
# --------------------------------------------------------------------------

def uwsgi_remap_fd(fd, filename):
    """core/io.c: uwsgi_remap_fd()."""
    fdin = os.open(filename, os.O_RDWR)
    if fdin != fd:
        os.dup2(fdin, fd)
        os.close(fdin)


def bind_to_unix(socket_name, listen_queue, chmod_socket, chmod_value, abstract):
    """core/socket.c: bind_to_unix(); returns a listening socket or exits(1)
    (uwsgi_nuclear_blast + exit(1) in fork_server.c:31)."""
    import socket
    if len(socket_name) > 102:
        uwsgi_log("invalid socket name\n")
        sys.exit(1)
    if socket_name.startswith("@"):
        abstract = True
        addr = "\0" + socket_name[1:]
    elif socket_name.startswith("\\0"):
        abstract = True
        addr = "\0" + socket_name[2:]
    elif abstract:
        addr = "\0" + socket_name
    else:
        addr = socket_name
    # create_server_socket(): Python sockets are close-on-exec by default
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    if not abstract:
        try:
            os.unlink(socket_name)          # stale socket file
        except FileNotFoundError:
            pass
        except OSError as e:
            uwsgi_log("error removing unix socket, unlink(): %s\n" % e.strerror)
    else:
        uwsgi_log("setting abstract socket mode (warning: only Linux supports this)\n")
    try:
        s.bind(addr)
    except OSError as e:
        uwsgi_log("bind(): %s\n" % e.strerror)
        sys.exit(1)
    try:
        s.listen(listen_queue)
    except OSError as e:
        uwsgi_log("listen(): %s\n" % e.strerror)
        sys.exit(1)
    if chmod_socket and not abstract:
        mode = chmod_value
        if not mode:
            uwsgi_log("chmod() socket to 666 for lazy and brave users\n")
            mode = 0o666
        try:
            os.chmod(socket_name, mode)
        except OSError as e:
            uwsgi_log("chmod(): %s\n" % e.strerror)
    return s


def uwsgi_socket_passcred(s):
    """core/socket.c: uwsgi_socket_passcred()."""
    import socket
    s.setsockopt(socket.SOL_SOCKET, socket.SO_PASSCRED, 1)


def uwsgi_recv_cred_and_fds(conn, buf_len, max_fds):
    """core/io.c: uwsgi_recv_cred_and_fds(). Returns (len, pid, uid, gid, fds);
    like the C code pid/uid/gid stay -1 and the fd count stays at its input
    value (8) when recvmsg() fails or returns 0."""
    import socket
    import struct
    ucred = struct.calcsize("iII")
    anc = socket.CMSG_SPACE(ucred) + socket.CMSG_SPACE(struct.calcsize("i") * max_fds)
    try:
        data, ancdata, _flags, _addr = conn.recvmsg(buf_len, anc)
    except OSError as e:
        uwsgi_log("uwsgi_recv_cred_and_fds()/recvmsg(): %s [core/io.c line 1540]\n" % e.strerror)
        return -1, b"", -1, -1, -1, None
    if not data:
        uwsgi_log("uwsgi_recv_cred_and_fds()/recvmsg(): Success [core/io.c line 1540]\n")
        return 0, b"", -1, -1, -1, None
    pid = uid = gid = -1
    fds = []
    for level, ctype, cdata in ancdata:
        if level != socket.SOL_SOCKET:
            continue
        if ctype == socket.SCM_RIGHTS:
            n = len(cdata) // 4
            fds = list(struct.unpack("%di" % n, cdata[:n * 4]))
        elif ctype == socket.SCM_CREDENTIALS and len(cdata) >= ucred:
            # printed with %d in fork_server.c:74
            pid, uid, gid = struct.unpack("iii", cdata[:ucred])
    return len(data), data, pid, uid, gid, fds


def uwsgi_read_nb(fd, remains, timeout):
    """core/io.c: uwsgi_read_nb() - poll() up to `timeout` s before every
    read(); timeout, error or EOF -> None."""
    import select
    out = bytearray()
    p = select.poll()
    p.register(fd, select.POLLIN)
    while remains > 0:
        try:
            ready = p.poll(timeout * 1000)
        except InterruptedError:
            continue
        if not ready:
            return None
        try:
            chunk = os.read(fd, remains)
        except OSError:
            return None
        if not chunk:
            return None
        out += chunk
        remains -= len(chunk)
    return bytes(out)


def uwsgi_write_nb(fd, data, timeout):
    """core/io.c: uwsgi_write_nb()."""
    import select
    p = select.poll()
    p.register(fd, select.POLLOUT)
    while data:
        if not p.poll(timeout * 1000):
            return False
        try:
            n = os.write(fd, data)
        except OSError:
            return False
        if n <= 0:
            return False
        data = data[n:]
    return True


def uwsgi_hooked_parse_array(body):
    """core/protocol.c: uwsgi_hooked_parse_array() - u16le length + bytes per
    item; a truncated item ends parsing, the items before it are kept.
    parse_argv_hook() builds C strings (uwsgi_concat2n), so an item stops at
    its first NUL."""
    items = []
    pos = 0
    end = len(body)
    while pos < end:
        if pos + 2 > end:
            break
        size = body[pos] | (body[pos + 1] << 8)
        pos += 2
        if pos + size > end:
            break
        items.append(body[pos:pos + size].split(b"\0", 1)[0])
        pos += size
    return items


def reply_packet(pid):
    """uwsgi_buffer_append_keynum(ub, "pid", 3, getpid()) after 4 bytes of
    room, then uwsgi_buffer_set_uh(ub, 35, 0) (core/buffer.c)."""
    value = str(pid).encode()
    body = bytes([3, 0]) + b"pid" + bytes([len(value) & 0xff, len(value) >> 8]) + value
    return bytes([35, len(body) & 0xff, (len(body) >> 8) & 0xff, 0]) + body


# --------------------------------------------------------------------------
# core/fork_server.c: uwsgi_fork_server()
# --------------------------------------------------------------------------

def uwsgi_fork_server(socket_name, opts, emperor_fd, emperor_fd_config):
    import select

    listen_queue = int(opts.get("listen") or 100)
    socket_timeout = int(opts.get("socket-timeout") or 4)
    abstract = opts.has("abstract-socket")
    chmod_socket = False
    chmod_value = 0
    if opts.has("chmod-socket", "chmod"):
        # core/uwsgi.c: uwsgi_opt_chmod_socket()
        chmod_socket = True
        v = opts.get("chmod-socket", "chmod")
        if v and v != "1":
            if len(v) != 3 or any(c not in "01234567" for c in v):
                uwsgi_log("invalid chmod value: %s\n" % v)
                sys.exit(1)
            chmod_value = int(v, 8)

    # fs.c:27-28 map fd 0 to /dev/null to avoid mess
    uwsgi_remap_fd(0, "/dev/null")

    # fs.c:30-31 bind_to_unix(socket, listen_queue, chmod_socket, abstract_socket)
    server = bind_to_unix(socket_name, listen_queue, chmod_socket, chmod_value, abstract)
    fd = server.fileno()

    # fs.c:33-34 automatically receive credentials
    try:
        uwsgi_socket_passcred(server)
    except OSError as e:
        uwsgi_log("uwsgi_socket_passcred()/setsockopt(): %s\n" % e.strerror)
        sys.exit(1)

    # fs.c:36-41 event queue: the emperor fd (if we are a vassal), then the socket
    eq = select.poll()
    has_emperor = emperor_fd is not None
    if has_emperor:
        eq.register(emperor_fd, select.POLLIN)
    eq.register(fd, select.POLLIN)

    # fs.c:43-46 now start waiting for connections
    while True:
        try:
            events = eq.poll()
        except InterruptedError:
            continue
        if not events:
            continue  # fs.c:47
        ready = [f for f, _ev in events]
        # fs.c:48-55 any byte or EOF/error from the emperor -> exit(0)
        if has_emperor and emperor_fd in ready:
            try:
                byte = os.read(emperor_fd, 1)
            except OSError:
                byte = b""
            if byte:
                # "char byte" printed with %d: signed
                b = byte[0] - 256 if byte[0] > 127 else byte[0]
                uwsgi_log_verbose("received message %d from emperor\n" % b)
            os._exit(0)
        if fd not in ready:
            continue  # fs.c:56

        # fs.c:57-63 accept()
        try:
            conn, _ = server.accept()
        except OSError as e:
            uwsgi_error("uwsgi_fork_server()/accept()", e, 61)
            continue
        client_fd = conn.fileno()
        try:
            handle_connection(conn, client_fd, socket_timeout, has_emperor,
                              emperor_fd, emperor_fd_config, server)
        finally:
            # fs.c:223-224 "end:" close(client_fd)
            conn.close()


def handle_connection(conn, client_fd, socket_timeout, has_emperor,
                      emperor_fd, emperor_fd_config, server):
    # fs.c:64-73 we only read the 4 bytes header, with up to 8 fds + credentials
    remains = 4
    length, hbuf, ppid, uid, gid, fds = uwsgi_recv_cred_and_fds(conn, remains, 8)
    fds_count = 8 if fds is None else len(fds)
    # fs.c:74
    uwsgi_log_verbose("[uwsgi-fork-server] connection from pid: %d uid: %d gid:%d fds:%d\n"
                      % (ppid, uid, gid, fds_count))
    # fs.c:75-78 (as in the C code, fds received in a session that fails
    # before fork() are not closed: fs.c:77/83/92 just "goto end")
    if length <= 0 or fds_count < 1:
        uwsgi_error("uwsgi_fork_server()/recvmsg()", OSError(0, "Success"), 76)
        return
    remains -= length

    # fs.c:79-84 the rest of the header
    rest = uwsgi_read_nb(client_fd, remains, socket_timeout)
    if rest is None:
        uwsgi_error("uwsgi_fork_server()/uwsgi_read_nb()", OSError(0, "Success"), 82)
        return
    hbuf = hbuf + rest
    modifier2 = hbuf[3]
    pktsize = hbuf[1] | (hbuf[2] << 8)  # uh->_pktsize, little endian

    # fs.c:86-93 the body (the vassal argv as a uwsgi array)
    body_argv = uwsgi_read_nb(client_fd, pktsize, socket_timeout)
    if body_argv is None:
        uwsgi_error("uwsgi_fork_server()/uwsgi_read_nb()", OSError(0, "Success"), 91)
        return

    # fs.c:95
    try:
        pid = os.fork()
    except OSError as e:
        # fs.c:96-103
        for f in fds:
            _close(f)
        uwsgi_error("uwsgi_fork_server()/fork()", e, 101)
        return
    if pid > 0:
        # fs.c:104-112 parent: close inherited descriptors, wait for the child
        for f in fds:
            _close(f)
        while True:
            try:
                os.waitpid(pid, 0)
                break
            except InterruptedError:
                continue
            except ChildProcessError:
                break
        return

    # ---- intermediate child (fs.c:113-171) --------------------------------
    try:
        intermediate_child(conn, client_fd, socket_timeout, has_emperor, emperor_fd,
                           emperor_fd_config, server, fds, modifier2, body_argv)
    except BaseException as e:  # never fall back into the accept loop
        try:
            _write_log("[fork-server stand-in] child failed: %r\n" % (e,))
        finally:
            os._exit(1)
    os._exit(1)


def intermediate_child(conn, client_fd, socket_timeout, has_emperor, emperor_fd,
                       emperor_fd_config, server, fds, modifier2, body_argv):
    # fs.c:114-120 close Emperor channels (not the other fds)
    if has_emperor:
        _close(emperor_fd)
        if emperor_fd_config is not None and emperor_fd_config > -1:
            _close(emperor_fd_config)

    # fs.c:122-128 UWSGI_EMPEROR_FD = fds[0]
    env = os.environ
    env["UWSGI_EMPEROR_FD"] = str(fds[0])
    # NOTE: like fs.c, a UWSGI_EMPEROR_FD_CONFIG inherited by the base is not
    # removed when the new vassal has no config pipe.

    pipe_config = -1
    on_demand = -1
    # fs.c:133-141
    if modifier2 & VASSAL_HAS_CONFIG and len(fds) > 1:
        pipe_config = fds[1]
        env["UWSGI_EMPEROR_FD_CONFIG"] = str(pipe_config)
    # fs.c:143-152
    if modifier2 & VASSAL_HAS_ON_DEMAND and len(fds) > 1:
        if pipe_config > -1:
            if len(fds) > 2:
                on_demand = fds[2]
        else:
            on_demand = fds[1]
    # fs.c:153-160 dup the on_demand socket to 0 and close it
    if on_demand > -1:
        try:
            os.dup2(on_demand, 0)
        except OSError as e:
            uwsgi_error("uwsgi_fork_server()/dup2()", e, 156)
            os._exit(1)
        _close(on_demand)

    # fs.c:162-170 now fork again and die
    try:
        new_pid = os.fork()
    except OSError as e:
        uwsgi_error("uwsgi_fork_server()/fork()", e, 165)
        os._exit(1)
    if new_pid > 0:
        os._exit(0)

    # ---- grandchild (fs.c:171-219) -----------------------------------------
    # fs.c:172-181 send the pid to the client_fd and close it
    if not uwsgi_write_nb(client_fd, reply_packet(os.getpid()), socket_timeout):
        os._exit(1)
    conn.close()
    # fs.c:182
    uwsgi_log("double fork() and reparenting successful (new pid: %d)\n" % os.getpid())

    # fs.c:186-208 parse the uwsgi packet array and build the argv
    argv = uwsgi_hooked_parse_array(body_argv)

    # fs.c:209-219: master then sets the process title, clears fork_socket, sets
    # exit_on_reload=1, re-runs uwsgi_check_emperor() and re-enters
    # configuration with the new argv inside this already loaded process.
    # uWSGI 2.0.21 cannot be re-entered, so exec it with the same argv (its
    # own uwsgi_check_emperor() reads UWSGI_EMPEROR_FD[_CONFIG]; on-demand
    # socket on fd 0).  The app is loaded by the exec'd uwsgi itself.
    # fs.c:215 "uwsgi.exit_on_reload = 1" is set before the new argv is
    # parsed: the same as a leading --exit-on-reload (2.0.21 has the option;
    # core/master_utils.c: uwsgi_reload() then logs "uWSGI: GAME OVER (insert
    # coin)" and exits 0 instead of re-exec'ing, so a reload request to an
    # adopted vassal ends it, as in master).
    server.close()
    keep = {0, 1, 2}
    for f in fds:
        if f != on_demand:
            keep.add(f)
    for f in keep:
        try:
            os.set_inheritable(f, True)
        except OSError:
            pass
    # nothing of the stand-in must leak into the vassal (Python's own fds
    # are close-on-exec already; this also closes anything else inherited)
    _close_all_but(keep)
    exec_real_uwsgi([b"--exit-on-reload"] + argv[1:], env)


def _close(fd):
    try:
        os.close(fd)
    except OSError:
        pass


def _close_all_but(keep):
    try:
        open_fds = [int(x) for x in os.listdir("/proc/self/fd")]
    except OSError:
        open_fds = range(3, 1024)
    for f in open_fds:
        if f not in keep:
            _close(f)


# --------------------------------------------------------------------------
# main
# --------------------------------------------------------------------------

def main():
    args = sys.argv[1:]
    opts = parse_args(args)
    socket_name = opts.get("fork-server", "fork-socket")
    if not socket_name:
        # not a base vassal: be the real uwsgi
        exec_real_uwsgi(args)
        return

    import signal
    signal.signal(signal.SIGINT, signal.SIG_DFL)

    # core/emperor.c: uwsgi_check_emperor() (run early by uwsgi_setup())
    emperor_fd = None
    emperor_fd_config = None
    if os.environ.get("UWSGI_EMPEROR_FD"):
        emperor_fd = int(os.environ["UWSGI_EMPEROR_FD"])
        uwsgi_log("*** has_emperor mode detected (fd: %d) ***\n" % emperor_fd)
        if os.environ.get("UWSGI_EMPEROR_FD_CONFIG"):
            emperor_fd_config = int(os.environ["UWSGI_EMPEROR_FD_CONFIG"])

    # "umask" is UWSGI_OPT_IMMEDIATE: applied while parsing, so before bind()
    um = opts.get("umask")
    if um:
        try:
            os.umask(int(um, 8))
        except ValueError:
            uwsgi_log("invalid umask: %s\n" % um)
            sys.exit(1)

    # stand-in only: mimic a slow application load before the socket exists
    # (a real base is busy in uwsgi_configure() at this point)
    preload = opts.get("fork-server-preload")
    if preload is None:
        preload = os.environ.get("FORK_SERVER_PRELOAD")
    try:
        seconds = DEFAULT_PRELOAD if preload in (None, "") else float(preload)
    except ValueError:
        uwsgi_log("[fork-server stand-in] invalid fork-server-preload: %s\n" % preload)
        sys.exit(1)
    if seconds > 0:
        import time
        uwsgi_log("[fork-server stand-in] preloading for %g s (pid: %d)\n" % (seconds, os.getpid()))
        time.sleep(seconds)

    # core/uwsgi.c: uwsgi_setup() right before calling uwsgi_fork_server()
    uwsgi_log_verbose("waiting for fork-socket connections...\n")
    uwsgi_fork_server(socket_name, opts, emperor_fd, emperor_fd_config)


if __name__ == "__main__":
    main()
