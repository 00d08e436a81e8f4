# Demo WSGI app for etc/vassals/hello-python.ini.
# It lives outside etc/vassals/ on purpose: only files with a vassal
# extension (.ini, .xml, .yml, .yaml, .js, .json) there become vassals,
# and keeping apps elsewhere avoids any confusion.
import os


def application(environ, start_response):
    body = "Hello from a Python vassal (pid {})\n".format(os.getpid()).encode()
    start_response("200 OK", [("Content-Type", "text/plain"),
                              ("Content-Length", str(len(body)))])
    return [body]
