#!/usr/bin/python3 -SI
"""FdHygieneIT's stand-in uwsgi binary: records the fds this process was exec'd with (number, link
target, fdinfo flags) and UWSGI_EMPEROR_FD[_CONFIG] into DIR/fds/PID.txt (DIR = this script's dir),
then execs the real uwsgi with the same arguments and environment, keeping the pid. Python opens
nothing that stays open before the listing (its own fds are close-on-exec and closed); the listing's
own directory fd is left out by its target, /proc/PID/fd."""
import os
import sys

pid = os.getpid()
here = os.path.dirname(os.path.abspath(__file__))
lines = []
for name in os.listdir("/proc/self/fd"):
    try:
        target = os.readlink("/proc/self/fd/" + name)
        with open("/proc/self/fdinfo/" + name) as f:
            flags = [l.split()[1] for l in f if l.startswith("flags:")][0]
    except OSError:
        continue  # the listing's own fd, closed by now
    if target == "/proc/%d/fd" % pid:
        continue
    lines.append("fd %s %s %s\n" % (name, flags, target))
for var in ("UWSGI_EMPEROR_FD", "UWSGI_EMPEROR_FD_CONFIG"):
    lines.append("env %s %s\n" % (var, os.environ.get(var, "")))
out = os.path.join(here, "fds", "%d.txt" % pid)
with open(out + ".tmp", "w") as f:
    f.writelines(lines)
os.rename(out + ".tmp", out)
real = os.environ.get("RECORD_FDS_UWSGI", "/usr/bin/uwsgi")
os.execv(real, [real] + sys.argv[1:])
