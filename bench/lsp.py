#!/usr/bin/env python3
"""Benchmark `kubeha lsp` as an editor drives it (JSON-RPC over stdio, no dependencies).

    cargo build --release && python3 bench/lsp.py [target/release/kubeha] [runs]

Measures, each as the median of `runs` (default 30):
  * initial load: `initialized` until a request is answered (the workspace loaded and linted),
    next to `kubeha check` on the same tree;
  * didChange → publishDiagnostics for a 1,000-line manifest in a workspace the size of
    tests/corpus (every edit toggles `replicas: 1`/`3`, so each one changes the diagnostics);
  * the same for a lone small file;
  * the server's peak RSS next to `kubeha check`'s.
"""
import json
import os
import select
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else os.path.join(REPO, "target/release/kubeha"))
RUNS = int(sys.argv[2]) if len(sys.argv) > 2 else 30


def uri(path):
    from urllib.parse import quote
    return "file://" + quote(path)


class Server:
    def __init__(self, root):
        self.p = subprocess.Popen([BIN, "lsp"], cwd=root, stdin=subprocess.PIPE, stdout=subprocess.PIPE)
        self.buf = b""
        self.next_id = 0

    def send(self, msg):
        body = json.dumps(msg).encode()
        self.p.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        self.p.stdin.flush()

    def recv(self):
        while b"\r\n\r\n" not in self.buf:
            self.buf += os.read(self.p.stdout.fileno(), 1 << 20)
        head, rest = self.buf.split(b"\r\n\r\n", 1)
        n = int([l for l in head.split(b"\r\n") if l.lower().startswith(b"content-length")][0].split(b":")[1])
        while len(rest) < n:
            rest += os.read(self.p.stdout.fileno(), 1 << 20)
        self.buf = rest[n:]
        return json.loads(rest[:n])

    def request(self, method, params):
        self.next_id += 1
        self.send({"jsonrpc": "2.0", "id": self.next_id, "method": method, "params": params})
        while True:
            m = self.recv()
            if m.get("id") == self.next_id and "method" not in m:
                return m

    def notify(self, method, params):
        self.send({"jsonrpc": "2.0", "method": method, "params": params})

    def wait_diagnostics(self, file_uri):
        while True:
            m = self.recv()
            if m.get("method") == "textDocument/publishDiagnostics" and m["params"]["uri"] == file_uri:
                return m

    def peak_rss_kib(self):
        with open(f"/proc/{self.p.pid}/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
        return 0

    def stop(self):
        self.request("shutdown", None)
        self.notify("exit", None)
        self.p.wait(timeout=30)


def manifest(lines):
    """A multi-document manifest of about `lines` lines; its first Deployment's replicas toggle."""
    doc = """apiVersion: apps/v1
kind: Deployment
metadata:
  name: app-{i}
  namespace: bench
  labels: {{app: app-{i}, team: bench}}
spec:
  replicas: 3
  selector:
    matchLabels: {{app: app-{i}}}
  template:
    metadata:
      labels: {{app: app-{i}}}
    spec:
      containers:
        - name: app
          image: registry.example/app:1.2.{i}
          ports:
            - {{name: http, containerPort: 8080}}
          readinessProbe:
            httpGet: {{path: /ready, port: http}}
          livenessProbe:
            httpGet: {{path: /live, port: http}}
            periodSeconds: 20
          resources:
            requests: {{cpu: 100m, memory: 128Mi}}
            limits: {{memory: 128Mi}}
---
"""
    out, i = "", 0
    while out.count("\n") < lines:
        out += doc.format(i=i)
        i += 1
    return out


def session(root, path, text):
    """Returns (load seconds, [didChange → publish seconds], peak RSS KiB)."""
    s = Server(root)
    s.request("initialize", {"processId": None, "capabilities": {"general": {"positionEncodings": ["utf-8"]}},
                             "workspaceFolders": [{"uri": uri(root), "name": "bench"}]})
    t0 = time.perf_counter()
    s.notify("initialized", {})
    s.request("textDocument/hover", {"textDocument": {"uri": uri(path)}, "position": {"line": 0, "character": 0}})
    load = time.perf_counter() - t0
    u = uri(path)
    s.notify("textDocument/didOpen", {"textDocument": {"uri": u, "languageId": "yaml", "version": 1, "text": text}})
    s.request("textDocument/hover", {"textDocument": {"uri": u}, "position": {"line": 0, "character": 0}})
    line = text.split("\n").index("  replicas: 3")
    times = []
    for run in range(RUNS + 3):
        value = "1" if run % 2 == 0 else "3"
        change = {"range": {"start": {"line": line, "character": 12}, "end": {"line": line, "character": 13}}, "text": value}
        t = time.perf_counter()
        s.notify("textDocument/didChange", {"textDocument": {"uri": u, "version": run + 2}, "contentChanges": [change]})
        s.wait_diagnostics(u)
        if run >= 3:  # warm-up
            times.append(time.perf_counter() - t)
    rss = s.peak_rss_kib()
    s.stop()
    return load, times, rss


def check(root):
    times = []
    for _ in range(max(5, RUNS // 3)):
        t = time.perf_counter()
        subprocess.run([BIN, "check", ".", "--format", "json", "--fail-on", "never"], cwd=root,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        times.append(time.perf_counter() - t)
    out = subprocess.run(["/usr/bin/time", "-v", BIN, "check", ".", "--format", "json", "--fail-on", "never"],
                         cwd=root, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True).stderr
    rss = next(int(l.split()[-1]) for l in out.splitlines() if "Maximum resident" in l)
    return statistics.median(times), rss


def main():
    tmp = tempfile.mkdtemp(prefix="kubeha-lsp-bench-")
    try:
        big = os.path.join(tmp, "corpus")
        shutil.copytree(os.path.join(REPO, "tests/corpus"), big)
        os.mkdir(os.path.join(big, ".git"))
        text = manifest(1000)
        path = os.path.join(big, "bench-app.yaml")
        with open(path, "w") as f:
            f.write(text)
        load, times, rss = session(big, path, text)
        check_s, check_rss = check(big)
        print(f"workspace: tests/corpus + a {text.count(chr(10))}-line manifest, {RUNS} edits")
        print(f"  initial load + lint   {load * 1000:8.1f} ms   (kubeha check: {check_s * 1000:.1f} ms median)")
        print(f"  didChange -> publish  {statistics.median(times) * 1000:8.1f} ms median, "
              f"{max(times) * 1000:.1f} ms max")
        print(f"  peak RSS              {rss / 1024:8.1f} MiB  (kubeha check: {check_rss / 1024:.1f} MiB)")

        small = os.path.join(tmp, "small")
        os.makedirs(os.path.join(small, ".git"))
        text = manifest(20)
        path = os.path.join(small, "app.yaml")
        with open(path, "w") as f:
            f.write(text)
        load, times, rss = session(small, path, text)
        print(f"lone small file ({text.count(chr(10))} lines)")
        print(f"  didChange -> publish  {statistics.median(times) * 1000:8.1f} ms median, "
              f"{max(times) * 1000:.1f} ms max")
    finally:
        shutil.rmtree(tmp)


if __name__ == "__main__":
    main()
