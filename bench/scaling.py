#!/usr/bin/env python3
"""Scaling of kubeha on hostile inputs (issue 15): each input at 1x, 2x and 4x, timed with
hyperfine (median of several runs) on the release build. A linear design shows about 2x and
4x; a quadratic one 4x and 16x.

    cargo build --release --locked && python3 bench/scaling.py [--runs 5] [--only pdbs,...]

Prints a Markdown table (the README's "Scaling" section is one run of it).
"""

import argparse
import json
import pathlib
import subprocess
import sys
import tempfile

ROOT = pathlib.Path(__file__).resolve().parent.parent
BIN = ROOT / "target" / "release" / "kubeha"


def deployment(name, ns="shop", replicas=1, extra_labels=""):
    return (
        f"apiVersion: apps/v1\nkind: Deployment\nmetadata: {{name: {name}, namespace: {ns}}}\n"
        f"spec:\n  replicas: {replicas}\n  selector: {{matchLabels: {{app: {name}}}}}\n"
        f"  template:\n    metadata: {{labels: {{app: {name}{extra_labels}}}}}\n"
        f"    spec: {{containers: [{{name: c, image: nginx:1.27.2}}]}}\n"
    )


def alias_docs(n):
    """Documents each under any per-document budget, aliasing a 1 KB string (item 3)."""
    docs = [
        f"apiVersion: v1\nkind: ConfigMap\nmetadata: {{name: c{i}}}\n"
        f'data: {{a: &a "{"y" * 1000}", b: *a, c: *a, d: *a, e: *a}}\n'
        for i in range(2000 * n)
    ]
    return {"aliases.yaml": "---\n".join(docs)}


def pdbs(n):
    """One-to-one apps and PDBs in one namespace (item 7)."""
    docs = []
    for i in range(2500 * n):
        docs.append(deployment(f"app{i}", replicas=2))
        docs.append(
            f"apiVersion: policy/v1\nkind: PodDisruptionBudget\n"
            f"metadata: {{name: app{i}, namespace: shop}}\n"
            f"spec: {{maxUnavailable: 1, selector: {{matchLabels: {{app: app{i}}}}}}}\n"
        )
    return {"pdbs.yaml": "---\n".join(docs)}


def names(n):
    """One name in many namespaces: a Deployment and its HPA each (item 7)."""
    docs = []
    for i in range(2500 * n):
        docs.append(deployment("web", ns=f"ns{i}", replicas=2))
        docs.append(
            "apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\n"
            f"metadata: {{name: web, namespace: ns{i}}}\n"
            "spec: {scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}, "
            "minReplicas: 2, maxReplicas: 4}\n"
        )
    return {"names.yaml": "---\n".join(docs)}


def duplicate_keys(n):
    """Every key of a ConfigMap written twice (item 9)."""
    keys = 20000 * n
    lines = [f"  k{i}: v{r}" for r in (1, 2) for i in range(keys)]
    head = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: dup}\ndata:\n"
    return {"duplicates.yaml": head + "\n".join(lines) + "\n"}


def ambiguous(n):
    """256 unquoted `yes` in a large ConfigMap (item 9)."""
    lines = []
    entries = 20000 * n
    step = entries // 256
    for i in range(entries):
        value = "yes" if i % step == 0 and i // step < 256 else f"value-{i}-" + "x" * 40
        lines.append(f"  k{i}: {value}")
    head = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: big}\ndata:\n"
    return {"ambiguous.yaml": head + "\n".join(lines) + "\n"}


def brackets(n):
    """Dedented closing brackets around a large block scalar (item 9)."""
    parts = ["apiVersion: example.com/v1\nkind: Thing\nmetadata: {name: brackets}\nspec:\n"]
    per = 64 * n
    filler = "    line of a script\n" * (50000 * n // per)
    for i in range(per):
        parts.append(f"  k{i}: [\n      \"-a\", \"b\",\n  ]\n  s{i}: |\n{filler}")
    return {"brackets.yaml": "".join(parts)}


def suppressions(n):
    """2,000 config ignore entries against many findings (item 9)."""
    docs = [deployment(f"app{i}") for i in range(3000 * n)]
    config = "ignore:\n" + "".join(
        f"  - name: app{i}\n    rules: [single-replica]\n    reason: bench\n" for i in range(2000)
    )
    return {"apps.yaml": "---\n".join(docs), "config.yaml": config}


def columns(n):
    """One JSON line of Deployments with non-ASCII text: every finding on that line (item 9)."""
    items = []
    for i in range(1000 * n):
        items.append(
            json.dumps(
                {
                    "apiVersion": "apps/v1",
                    "kind": "Deployment",
                    "metadata": {"name": f"app{i}", "annotations": {"note": "é€" * 200}},
                    "spec": {
                        "replicas": 1,
                        "selector": {"matchLabels": {"app": f"app{i}"}},
                        "template": {
                            "metadata": {"labels": {"app": f"app{i}"}},
                            "spec": {"containers": [{"name": "c", "image": "nginx:1.27.2"}]},
                        },
                    },
                },
                ensure_ascii=False,
            )
        )
    text = '{"apiVersion": "v1", "kind": "List", "items": [' + ", ".join(items) + "]}\n"
    return {"line.json": text}


CASES = {
    "aliases": alias_docs,
    "pdbs": pdbs,
    "names": names,
    "duplicate-keys": duplicate_keys,
    "ambiguous": ambiguous,
    "brackets": brackets,
    "suppressions": suppressions,
    "columns": columns,
}


def median(dir_, files, runs):
    target = [str(dir_ / f) for f in files if f != "config.yaml"]
    config = ["--config", str(dir_ / "config.yaml")] if "config.yaml" in files else ["--no-config"]
    cmd = " ".join([str(BIN), "check", "--format", "json", *config, *target, "> /dev/null"])
    out = dir_ / "hyperfine.json"
    subprocess.run(
        ["hyperfine", "-i", "--warmup", "1", "--runs", str(runs), "--export-json", str(out), cmd],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    return json.loads(out.read_text())["results"][0]["median"]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--only", default=",".join(CASES))
    args = parser.parse_args()
    if not BIN.exists():
        sys.exit(f"{BIN} is missing: cargo build --release --locked")
    print("| input | size at 1x | 1x | 2x | 4x | 4x / 1x |")
    print("| --- | --- | --- | --- | --- | --- |")
    for name in args.only.split(","):
        make = CASES[name]
        times, size = [], 0
        for n in (1, 2, 4):
            with tempfile.TemporaryDirectory() as tmp:
                dir_ = pathlib.Path(tmp)
                files = make(n)
                for f, text in files.items():
                    (dir_ / f).write_text(text)
                if n == 1:
                    size = sum(len(t.encode()) for t in files.values())
                times.append(median(dir_, list(files), args.runs))
        cells = " | ".join(f"{t * 1000:.0f} ms" for t in times)
        print(
            f"| {name} | {size / 1e6:.1f} MB | {cells} | {times[2] / times[0]:.1f} |",
            flush=True,
        )


if __name__ == "__main__":
    main()
