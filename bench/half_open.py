"""Holds N half-open connections to a server (each has sent half a request line), then
waits until standard input closes. Used by scripts/bench-hostile.sh.

    python3 bench/half_open.py PORT N   # prints "held N" once all are connected
"""
import socket
import sys

port, count = int(sys.argv[1]), int(sys.argv[2])
held = []
for _ in range(count):
    s = socket.create_connection(("127.0.0.1", port))
    s.sendall(b"POST /auth/lo")
    held.append(s)
print(f"held {len(held)}", flush=True)
sys.stdin.read()
alive = 0
for s in held:
    s.setblocking(False)
    try:
        closed = s.recv(1) == b""
    except BlockingIOError:
        closed = False
    except OSError:
        closed = True
    if not closed:
        alive += 1
print(f"still open {alive}", flush=True)
