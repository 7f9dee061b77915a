#!/usr/bin/env python3
"""raw.py: HTTP on a raw socket, for tests/http/t_wire.sh (what curl will not send).

  raw.py send PORT BODYFILE [TIMEOUT]     < request bytes
      sends stdin as it is, reads until the server closes or says it will
      (Connection: close), or TIMEOUT s (default 10); prints "STATUS MS N
      CLOSED": the first answer's status (000 for none), the milliseconds
      until it came ("none"), the number of answers and "closed" or "open";
      writes the first answer's body to BODYFILE and every answer's status
      to BODYFILE.statuses.
  raw.py expect100 PORT BODYFILE          < request head (with Expect: 100-continue)
      sends the head, waits for the interim 100 answer, then sends the body
      given in the environment variable BODY; prints "INTERIM STATUS".
  raw.py dribble PORT N SECONDS OUT
      opens N connections that send a request line at once and then one
      header line a second, never ending the head; stops after SECONDS;
      writes one line per connection to OUT: "MS STATUS", MS from connecting
      until the server closed it (or "open"), STATUS the answer it got (000:
      none).
  raw.py hold DB SECONDS
      takes the database's write lock (BEGIN IMMEDIATE), prints "held",
      keeps it SECONDS, then commits and prints "released".
"""
import os
import select
import socket
import sys
import time


def parse_answers(data):
    """(status, body, closes) of each complete answer in data; closes: it
    said Connection: close."""
    out = []
    while data:
        end = data.find(b"\r\n\r\n")
        if end < 0:
            break
        head = data[:end].decode("latin-1").split("\r\n")
        parts = head[0].split(" ")
        status = parts[1] if len(parts) > 1 else "000"
        length, closes = 0, False
        for h in head[1:]:
            name, _, value = h.partition(":")
            name, value = name.strip().lower(), value.strip().lower()
            if name == "content-length":
                length = int(value)
            elif name == "connection" and value == "close":
                closes = True
        if len(data) < end + 4 + length:
            break
        body = data[end + 4:end + 4 + length]
        data = data[end + 4 + length:]
        if status == "100":
            continue
        out.append((status, body, closes))
    return out


def cmd_send(port, bodyfile, timeout=10.0):
    req = sys.stdin.buffer.read()
    s = socket.create_connection(("127.0.0.1", port))
    t0 = time.monotonic()
    try:
        s.sendall(req)
    except OSError:
        pass
    data = b""
    closed = first = None
    s.settimeout(0.2)
    while time.monotonic() - t0 < timeout:
        try:
            d = s.recv(65536)
        except socket.timeout:
            continue
        except OSError:
            closed = time.monotonic()
            break
        if not d:
            closed = time.monotonic()
            break
        data += d
        answers = parse_answers(data)
        if first is None and answers:
            first = time.monotonic()
        if answers and answers[-1][2]:
            break  # the server said it closes: a client stops here
    s.close()
    answers = parse_answers(data)
    with open(bodyfile, "wb") as f:
        f.write(answers[0][1] if answers else b"")
    with open(bodyfile + ".statuses", "w") as f:
        f.write("".join(a[0] + "\n" for a in answers))
    ms = "none" if first is None else str(int((first - t0) * 1000))
    closes = "closed" if closed is not None or (answers and answers[-1][2]) else "open"
    print(answers[0][0] if answers else "000", ms, len(answers), closes)


def cmd_expect100(port, bodyfile):
    head = sys.stdin.buffer.read()
    body = os.environ.get("BODY", "").encode()
    s = socket.create_connection(("127.0.0.1", port))
    s.settimeout(5)
    s.sendall(head)
    interim = b""
    try:
        while b"\r\n\r\n" not in interim:
            d = s.recv(1)
            if not d:
                break
            interim += d
    except socket.timeout:
        pass
    s.sendall(body)
    data = b""
    try:
        while True:
            d = s.recv(65536)
            if not d:
                break
            data += d
            if parse_answers(data):
                break
    except socket.timeout:
        pass
    answers = parse_answers(data)
    with open(bodyfile, "wb") as f:
        f.write(answers[0][1] if answers else b"")
    first = interim.split(b" ")[1].decode() if interim.startswith(b"HTTP/1.1 ") else "none"
    print(first, answers[0][0] if answers else "000")


def cmd_dribble(port, n, seconds, out):
    conns = []
    t0 = time.monotonic()
    for i in range(n):
        s = socket.create_connection(("127.0.0.1", port))
        s.setblocking(False)
        try:
            s.send(b"GET /api/v1/health HTTP/1.1\r\nHost: 127.0.0.1\r\n")
        except OSError:
            pass
        conns.append({"s": s, "t": time.monotonic(), "next": time.monotonic() + 1, "k": 0,
                      "data": b"", "closed": None})
    while time.monotonic() - t0 < seconds:
        live = [c for c in conns if c["closed"] is None]
        if not live:
            break
        r, _, _ = select.select([c["s"] for c in live], [], [], 0.1)
        now = time.monotonic()
        for c in live:
            if c["s"] in r:
                try:
                    d = c["s"].recv(65536)
                except OSError:
                    d = b""
                if d:
                    c["data"] += d
                else:
                    c["closed"] = now
                    continue
            if now >= c["next"]:
                c["k"] += 1
                c["next"] = now + 1
                try:
                    c["s"].send(b"X-Slow-%d: a\r\n" % c["k"])
                except OSError:
                    pass
    with open(out, "w") as f:
        for c in conns:
            answers = parse_answers(c["data"])
            status = answers[0][0] if answers else "000"
            ms = "open" if c["closed"] is None else str(int((c["closed"] - c["t"]) * 1000))
            f.write("%s %s\n" % (ms, status))
            c["s"].close()


def cmd_hold(db, seconds):
    import sqlite3
    c = sqlite3.connect(db, timeout=10, isolation_level=None)
    c.execute("begin immediate")
    print("held", flush=True)
    time.sleep(seconds)
    c.execute("commit")
    print("released", flush=True)


def main():
    if sys.argv[1] == "hold":
        cmd_hold(sys.argv[2], float(sys.argv[3]))
        return
    cmd, port = sys.argv[1], int(sys.argv[2])
    if cmd == "send":
        cmd_send(port, sys.argv[3], float(sys.argv[4]) if len(sys.argv) > 4 else 10.0)
    elif cmd == "expect100":
        cmd_expect100(port, sys.argv[3])
    elif cmd == "dribble":
        cmd_dribble(port, int(sys.argv[3]), float(sys.argv[4]), sys.argv[5])
    else:
        sys.exit("raw.py: unknown command " + cmd)


if __name__ == "__main__":
    main()
