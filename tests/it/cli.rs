//! The `kubeha` binary: exit codes, formats, config discovery and errors.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

fn kubeha() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_kubeha"));
    cmd.current_dir(crate::repo())
        .env("NO_COLOR", "1")
        .env_remove("COLUMNS");
    cmd
}

fn run(args: &[&str]) -> Output {
    kubeha().args(args).output().unwrap()
}

/// Runs kubeha with `args`, feeding `input` on stdin.
pub(crate) fn run_stdin(args: &[&str], input: &str) -> Output {
    let mut child = kubeha()
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

fn code(o: &Output) -> i32 {
    o.status.code().unwrap()
}

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).unwrap()
}

/// Asserts that stderr contains `needle`, showing all of stderr when it does not.
fn assert_stderr_has(o: &Output, needle: &str) {
    let err = stderr(o);
    assert!(err.contains(needle), "{err}");
}

fn stderr(o: &Output) -> String {
    String::from_utf8(o.stderr.clone()).unwrap()
}

/// A scratch directory for one test.
fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

const SINGLE: &str = "apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  selector: {matchLabels: {app: web}}
  replicas: 1
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
        - name: web
          image: nginx:1.27
          ports: [{containerPort: 80}]
";

#[test]
fn single_replica_exits_1_and_points_at_the_line() {
    let dir = scratch("single");
    std::fs::write(dir.join("web.yaml"), SINGLE).unwrap();
    let o = kubeha()
        .args(["check", "--no-config", "--select", "single-replica"])
        .arg(dir.join("web.yaml"))
        .output()
        .unwrap();
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    let out = stdout(&o);
    assert!(out.contains("web.yaml:7:3"), "{out}");
    assert!(out.contains("single-replica"), "{out}");
    assert!(out.contains("replicas: 1"), "{out}");
    assert!(out.contains("Deployment `web` runs 1 replica"), "{out}");
}

#[test]
fn json_output_matches_the_schema() {
    let dir = scratch("json");
    std::fs::write(dir.join("web.yaml"), SINGLE).unwrap();
    let o = kubeha()
        .args([
            "check",
            "--no-config",
            "--format",
            "json",
            "--select",
            "single-replica",
        ])
        .arg(dir.join("web.yaml"))
        .output()
        .unwrap();
    assert_eq!(code(&o), 1);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["version"], 1);
    let f = &v["findings"][0];
    let keys: Vec<&str> = f.as_object().unwrap().keys().map(String::as_str).collect();
    assert_eq!(
        keys,
        [
            "rule",
            "severity",
            "message",
            "help",
            "file",
            "line",
            "column",
            "end_line",
            "end_column",
            "object",
            "related"
        ]
    );
    assert_eq!(f["rule"], "single-replica");
    assert_eq!(f["severity"], "warning");
    assert_eq!(f["message"], "Deployment `web` runs 1 replica");
    assert!(f["help"].is_string());
    assert!(f["file"].as_str().unwrap().ends_with("web.yaml"));
    assert_eq!(
        (f["line"].as_u64(), f["column"].as_u64()),
        (Some(7), Some(3))
    );
    assert_eq!(
        (f["end_line"].as_u64(), f["end_column"].as_u64()),
        (Some(7), Some(14))
    );
    assert_eq!(
        f["object"],
        serde_json::json!({"apiVersion": "apps/v1", "kind": "Deployment", "namespace": null, "name": "web", "document": 0})
    );
    assert_eq!(f["related"], serde_json::json!([]));
    assert_eq!(
        v["summary"],
        serde_json::json!({"files": 1, "documents": 1, "objects": 1, "skipped": 0, "findings": {"error": 0, "warning": 1, "info": 0}})
    );
}

#[test]
fn fail_on_thresholds() {
    let dir = scratch("failon");
    std::fs::write(dir.join("web.yaml"), SINGLE).unwrap();
    let file = dir.join("web.yaml");
    let with = |level: &str| {
        code(
            &kubeha()
                .args(["check", "--no-config", "--fail-on", level])
                .arg(&file)
                .output()
                .unwrap(),
        )
    };
    assert_eq!(with("never"), 0);
    assert_eq!(with("error"), 0, "only warnings and info");
    assert_eq!(with("warning"), 1);
    assert_eq!(with("info"), 1);
}

#[test]
fn complete_ha_app_is_clean() {
    let o = run(&["check", "--no-config", "examples/ha-app"]);
    assert_eq!(code(&o), 0, "{}", stdout(&o));
    assert!(stdout(&o).contains("No problems found"), "{}", stdout(&o));
}

#[test]
fn unreadable_path_is_reported_and_others_still_linted() {
    let dir = scratch("missing");
    std::fs::write(dir.join("web.yaml"), SINGLE).unwrap();
    let o = kubeha()
        .args(["check", "--no-config", "--format", "concise"])
        .arg(dir.join("does-not-exist.yaml"))
        .arg(dir.join("web.yaml"))
        .output()
        .unwrap();
    assert_eq!(code(&o), 2);
    assert!(stderr(&o).contains("does-not-exist.yaml"), "{}", stderr(&o));
    assert!(stdout(&o).contains("single-replica"), "{}", stdout(&o));
}

#[test]
fn config_is_discovered_upwards() {
    let dir = scratch("discover");
    let deep = dir.join("a/b");
    std::fs::create_dir_all(&deep).unwrap();
    std::fs::write(
        dir.join(".kubeha.yaml"),
        "rules:\n  single-replica: { severity: error, min-replicas: 3 }\n",
    )
    .unwrap();
    std::fs::write(
        deep.join("web.yaml"),
        SINGLE.replace("replicas: 1", "replicas: 2"),
    )
    .unwrap();
    let o = kubeha()
        .current_dir(&deep)
        .args([
            "check",
            "--format",
            "concise",
            "--select",
            "single-replica",
            "web.yaml",
        ])
        .output()
        .unwrap();
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    assert!(
        stdout(&o).contains("web.yaml:7:3: error[single-replica] Deployment `web` runs 2 replicas"),
        "{}",
        stdout(&o)
    );
}

#[test]
fn unknown_rule_in_config_is_a_located_error() {
    let dir = scratch("badconfig");
    std::fs::write(dir.join(".kubeha.yaml"), "rules:\n  single-replicas: off\n").unwrap();
    std::fs::write(dir.join("web.yaml"), SINGLE).unwrap();
    let o = kubeha()
        .current_dir(&dir)
        .args(["check", "web.yaml"])
        .output()
        .unwrap();
    assert_eq!(code(&o), 2);
    let err = stderr(&o);
    assert!(err.contains("unknown rule `single-replicas`"), "{err}");
    assert!(err.contains("did you mean `single-replica`?"), "{err}");
    assert!(err.contains(".kubeha.yaml:2:3"), "{err}");
}

#[test]
fn bad_option_type_is_a_located_error() {
    let dir = scratch("badoption");
    std::fs::write(
        dir.join("cfg.yaml"),
        "rules:\n  single-replica:\n    min-replica: 3\n",
    )
    .unwrap();
    let o = run(&[
        "check",
        "--config",
        dir.join("cfg.yaml").to_str().unwrap(),
        "examples",
    ]);
    assert_eq!(code(&o), 2);
    assert_stderr_has(&o, "did you mean `min-replicas`?");
    std::fs::write(
        dir.join("cfg.yaml"),
        "rules:\n  single-replica:\n    min-replicas: many\n",
    )
    .unwrap();
    let o = run(&[
        "check",
        "--config",
        dir.join("cfg.yaml").to_str().unwrap(),
        "examples",
    ]);
    assert_eq!(code(&o), 2);
    assert_stderr_has(&o, "must be a non-negative integer");
}

#[test]
fn stdin_with_a_name() {
    let o = run_stdin(
        &[
            "check",
            "--no-config",
            "--format",
            "concise",
            "--stdin-filename",
            "k8s/web.yaml",
            "-",
        ],
        SINGLE,
    );
    assert_eq!(code(&o), 1);
    assert!(
        stdout(&o).contains("k8s/web.yaml:7:3: warning[single-replica]"),
        "{}",
        stdout(&o)
    );
}

#[test]
fn unknown_rule_on_the_command_line() {
    let o = run(&["check", "--select", "missing-pbd", "examples"]);
    assert_eq!(code(&o), 2);
    assert_stderr_has(&o, "did you mean `missing-pdb`?");
    let o = run(&["explain", "single-replicas"]);
    assert_eq!(code(&o), 2);
    assert!(stderr(&o).contains("did you mean `single-replica`?"));
}

#[test]
fn explain_and_rules() {
    let o = run(&["explain", "missing-pdb"]);
    assert_eq!(code(&o), 0);
    assert!(stdout(&o).starts_with("# missing-pdb\n"));
    let o = run(&["rules", "--format", "json"]);
    assert_eq!(code(&o), 0);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v.as_array().unwrap().len(), kubeha::rules::RULES.len());
}

#[test]
fn broken_pipe_exits_quietly() {
    let mut child = kubeha()
        .args(["check", "--no-config", "--format", "concise", "fixtures"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let o = child.wait_with_output().unwrap();
    assert!(stderr(&o).is_empty(), "{}", stderr(&o));
    // A closed pipe stops the output, not the verdict: the fixtures have findings.
    assert_eq!(code(&o), 1, "{}", stderr(&o));
}

#[test]
fn cross_object_rules_see_every_file_and_respect_namespaces() {
    let dir = scratch("crossfile");
    let deploy = SINGLE
        .replace("replicas: 1", "replicas: 3")
        .replace("name: web\nspec", "name: web\n  namespace: shop\nspec");
    std::fs::write(dir.join("deploy.yaml"), &deploy).unwrap();
    let pdb = "apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: web
  namespace: shop
spec:
  maxUnavailable: 1
  selector:
    matchExpressions: [{key: app, operator: In, values: [web]}]
";
    std::fs::write(dir.join("pdb.yaml"), pdb).unwrap();
    let concise = |paths: &[&str]| {
        let mut cmd = kubeha();
        cmd.args([
            "check",
            "--no-config",
            "--format",
            "concise",
            "--select",
            "missing-pdb",
        ]);
        for p in paths {
            cmd.arg(dir.join(p));
        }
        stdout(&cmd.output().unwrap())
    };
    assert_eq!(
        concise(&["deploy.yaml", "pdb.yaml"]),
        "",
        "the PDB in another file protects it"
    );
    assert!(concise(&["deploy.yaml"]).contains("missing-pdb"));
    // The same PDB in another namespace protects nothing.
    std::fs::write(
        dir.join("pdb.yaml"),
        pdb.replace("namespace: shop", "namespace: other"),
    )
    .unwrap();
    assert!(concise(&["deploy.yaml", "pdb.yaml"]).contains("missing-pdb"));
}

#[test]
fn kubernetes_version_targets_deprecated_api() {
    let dir = scratch("k8sversion");
    let old = SINGLE.replace("apps/v1", "extensions/v1beta1");
    std::fs::write(dir.join("old.yaml"), old).unwrap();
    let run_with = |extra: &[&str]| {
        let mut cmd = kubeha();
        cmd.current_dir(&dir)
            .args(["check", "--format", "concise", "--select", "deprecated-api"])
            .args(extra)
            .arg("old.yaml");
        stdout(&cmd.output().unwrap())
    };
    assert!(run_with(&["--no-config"]).contains("was removed in Kubernetes 1.16"));
    assert!(
        run_with(&["--no-config", "--kubernetes-version", "1.15"])
            .contains("is deprecated since Kubernetes 1.9")
    );
    assert_eq!(
        run_with(&["--no-config", "--kubernetes-version", "1.8"]),
        ""
    );
    // An unquoted `1.30` is the float 1.3 under YAML 1.1; the config reads what was written.
    std::fs::write(dir.join(".kubeha.yaml"), "kubernetes-version: 1.10\n").unwrap();
    assert!(
        run_with(&[]).contains("is deprecated since Kubernetes 1.9 (target 1.10)"),
        "{}",
        run_with(&[])
    );
}

#[test]
fn helm_source_comments_on_stdin_name_the_template_without_a_fake_line() {
    let rendered = format!(
        "---\n# Source: shop/templates/web.yaml\n{SINGLE}---\n# Source: shop/templates/other.yaml\napiVersion: v1\nkind: ConfigMap\nmetadata: {{name: x}}\n"
    );
    let run_format = |format: &str| {
        let o = run_stdin(
            &[
                "check",
                "--no-config",
                "--select",
                "single-replica",
                "--format",
                format,
                "--stdin-filename",
                "rendered.yaml",
                "-",
            ],
            &rendered,
        );
        assert_eq!(code(&o), 1);
        stdout(&o)
    };
    // The rendered stream's line 9 is not line 9 of the template: no line is given.
    let concise = run_format("concise");
    assert!(
        concise.starts_with("shop/templates/web.yaml: warning[single-replica]"),
        "{concise}"
    );
    let json: serde_json::Value = serde_json::from_str(&run_format("json")).unwrap();
    let finding = &json["findings"][0];
    assert_eq!(finding["file"], "shop/templates/web.yaml");
    assert!(finding["line"].is_null(), "{finding}");
    let github = run_format("github");
    assert!(
        github.contains("file=shop/templates/web.yaml,title="),
        "{github}"
    );
    let sarif: serde_json::Value = serde_json::from_str(&run_format("sarif")).unwrap();
    let location = &sarif["runs"][0]["results"][0]["locations"][0]["physicalLocation"];
    assert_eq!(
        location["artifactLocation"]["uri"],
        "shop/templates/web.yaml"
    );
    assert!(location.get("region").is_none(), "{location}");
    // Human output shows the rendered snippet and names the template on it.
    let human = run_format("human");
    assert!(human.contains("rendered.yaml:9:3"), "{human}");
    assert!(
        human.contains("rendered from template shop/templates/web.yaml"),
        "{human}"
    );
}

#[test]
fn helm_source_comments_in_a_file_keep_its_real_lines_and_name_the_template() {
    let dir = scratch("helm-rendered-file");
    let rendered = format!("---\n# Source: shop/templates/web.yaml\n{SINGLE}");
    std::fs::write(dir.join("rendered.yaml"), rendered).unwrap();
    let run_format = |format: &str| {
        let o = kubeha()
            .current_dir(&dir)
            .args([
                "check",
                "--no-config",
                "--select",
                "single-replica",
                "--format",
                format,
                "rendered.yaml",
            ])
            .output()
            .unwrap();
        assert_eq!(code(&o), 1);
        stdout(&o)
    };
    let concise = run_format("concise");
    assert!(
        concise.starts_with("rendered.yaml:9:3: warning[single-replica]")
            && concise.contains("(from template shop/templates/web.yaml)"),
        "{concise}"
    );
    let json: serde_json::Value = serde_json::from_str(&run_format("json")).unwrap();
    let finding = &json["findings"][0];
    assert_eq!(finding["file"], "rendered.yaml");
    assert_eq!(finding["line"], 9);
    assert_eq!(finding["template"], "shop/templates/web.yaml");
    let github = run_format("github");
    assert!(github.contains("file=rendered.yaml,line=9,"), "{github}");
    let sarif: serde_json::Value = serde_json::from_str(&run_format("sarif")).unwrap();
    let result = &sarif["runs"][0]["results"][0];
    assert_eq!(
        result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "rendered.yaml"
    );
    assert_eq!(
        result["locations"][0]["physicalLocation"]["region"]["startLine"],
        9
    );
    assert_eq!(result["properties"]["template"], "shop/templates/web.yaml");
    let related = result["relatedLocations"].as_array().unwrap();
    assert!(
        related
            .iter()
            .any(
                |r| r["physicalLocation"]["artifactLocation"]["uri"] == "shop/templates/web.yaml"
                    && r["physicalLocation"].get("region").is_none()
            ),
        "{result}"
    );
    let junit = run_format("junit");
    assert!(junit.contains("rendered.yaml:9:3"), "{junit}");
}

#[test]
fn context_resolves_references_but_reports_only_the_given_files() {
    let dir = scratch("context");
    let deploy = SINGLE.replace("replicas: 1", "replicas: 3");
    std::fs::write(dir.join("deploy.yaml"), &deploy).unwrap();
    let pdb = "apiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata: {name: web}\nspec:\n  minAvailable: 5\n  selector: {matchLabels: {app: web}}\n";
    std::fs::write(dir.join("pdb.yaml"), pdb).unwrap();
    let o = kubeha()
        .current_dir(&dir)
        .args([
            "check",
            "--no-config",
            "--format",
            "concise",
            "--select",
            "missing-pdb,pdb-blocks-eviction",
            "--context",
            ".",
            "deploy.yaml",
        ])
        .output()
        .unwrap();
    // The PDB in the context protects the Deployment, and its own problem is not reported.
    assert_eq!(stdout(&o), "", "{}", stderr(&o));
    assert_eq!(code(&o), 0);
    let o = kubeha()
        .current_dir(&dir)
        .args([
            "check",
            "--no-config",
            "--format",
            "json",
            "--select",
            "pdb-blocks-eviction",
            "--context",
            ".",
            "pdb.yaml",
        ])
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["findings"][0]["rule"], "pdb-blocks-eviction");
    assert_eq!(
        v["summary"]["files"], 1,
        "context files are not counted as linted"
    );
}

/// Findings as `line:rule` pairs, for the suppression tests.
fn findings_of(dir: &Path, file: &str, config: Option<&str>) -> Vec<String> {
    let mut cmd = kubeha();
    cmd.current_dir(dir).args(["check", "--format", "json"]);
    match config {
        Some(c) => {
            std::fs::write(dir.join("cfg.yaml"), c).unwrap();
            cmd.args(["--config", "cfg.yaml"]);
        }
        None => {
            cmd.arg("--no-config");
        }
    }
    let o = cmd.arg(file).output().unwrap();
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| format!("{}:{}", f["line"], f["rule"].as_str().unwrap()))
        .collect()
}

#[test]
fn suppressions_remove_exactly_the_suppressed_finding() {
    let dir = scratch("suppress");
    let base = SINGLE.replace("image: nginx:1.27", "image: nginx:1.27.2\n          resources: {requests: {cpu: 100m, memory: 64Mi}, limits: {memory: 64Mi}}\n          readinessProbe: {tcpSocket: {port: 80}}\n          livenessProbe: {tcpSocket: {port: 80}, failureThreshold: 10}");
    std::fs::write(dir.join("plain.yaml"), &base).unwrap();
    // Lints `base` with `from` replaced by `to`, written to `name`.
    let variant = |name: &str, from: &str, to: &str| {
        std::fs::write(dir.join(name), base.replace(from, to)).unwrap();
        findings_of(&dir, name, None)
    };
    let none = Vec::<String>::new();
    assert_eq!(findings_of(&dir, "plain.yaml", None), ["7:single-replica"]);

    // Annotation on the object.
    assert_eq!(
        variant(
            "annotated.yaml",
            "  name: web\n",
            "  name: web\n  annotations:\n    ignore.kubeha.io/single-replica: \"leader-elected singleton\"\n"
        ),
        none
    );

    // Comment on the line, and on the line above.
    assert_eq!(
        variant(
            "trailing.yaml",
            "  replicas: 1",
            "  replicas: 1  # kubeha: ignore[single-replica] batch-style singleton"
        ),
        none
    );
    assert_eq!(
        variant(
            "above.yaml",
            "  replicas: 1",
            "  # kubeha: ignore[single-replica] batch-style singleton\n  replicas: 1"
        ),
        none
    );

    // A comment for another rule suppresses nothing and is itself reported.
    assert_eq!(
        variant(
            "wrong.yaml",
            "  replicas: 1",
            "  replicas: 1  # kubeha: ignore[missing-pdb] wrong rule"
        ),
        ["7:single-replica", "7:unused-suppression"]
    );

    // Peer annotations (kube-score) map onto kubeha rules.
    assert_eq!(
        variant(
            "peer.yaml",
            "  name: web\n",
            "  name: web\n  annotations:\n    polaris.fairwinds.com/deploymentMissingReplicas-exempt: \"true\"\n"
        ),
        none
    );

    // Config `ignore:` entries by path or by object.
    let by_path =
        "ignore:\n  - path: \"plain.*\"\n    rules: [single-replica]\n    reason: vendored\n";
    assert_eq!(
        findings_of(&dir, "plain.yaml", Some(by_path)),
        Vec::<String>::new()
    );
    let by_object = "ignore:\n  - kind: Deploy*\n    name: web\n    reason: vendored\n";
    assert_eq!(
        findings_of(&dir, "plain.yaml", Some(by_object)),
        Vec::<String>::new()
    );
    // A run on one named file (an editor, pre-commit) is partial: the entry may be for files
    // not linted, so it is not called unused (tests/it/gate.rs checks a whole-tree run).
    let unused = "ignore:\n  - name: other\n    reason: stale\n";
    assert_eq!(
        findings_of(&dir, "plain.yaml", Some(unused)),
        ["7:single-replica"]
    );
}

#[test]
fn a_suppression_without_reason_warns() {
    let dir = scratch("noreason");
    std::fs::write(
        dir.join("web.yaml"),
        SINGLE.replace(
            "  replicas: 1",
            "  replicas: 1  # kubeha: ignore[single-replica]",
        ),
    )
    .unwrap();
    let o = kubeha()
        .current_dir(&dir)
        .args([
            "check",
            "--no-config",
            "--select",
            "single-replica",
            "web.yaml",
        ])
        .output()
        .unwrap();
    assert_eq!(code(&o), 0);
    assert_stderr_has(&o, "kubeha: warning: web.yaml:7: comment gives no reason");
}

#[test]
fn baseline_hides_known_findings_and_survives_unrelated_edits() {
    let dir = scratch("baseline");
    std::fs::write(dir.join("web.yaml"), SINGLE).unwrap();
    let check = |extra: &[&str]| {
        kubeha()
            .current_dir(&dir)
            .args(["check", "--no-config", "--format", "concise"])
            .args(extra)
            .arg("web.yaml")
            .output()
            .unwrap()
    };
    let o = check(&["--write-baseline", "baseline.json"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert!(stderr(&o).contains("recorded"), "{}", stderr(&o));
    let o = check(&["--baseline", "baseline.json"]);
    assert_eq!(code(&o), 0, "{}", stdout(&o));
    assert_eq!(stdout(&o), "");

    // Unrelated edits move every line: fingerprints do not use line numbers.
    std::fs::write(
        dir.join("web.yaml"),
        format!("# owned by the shop team\n# see the runbook\n{SINGLE}"),
    )
    .unwrap();
    let o = check(&["--baseline", "baseline.json"]);
    assert_eq!(code(&o), 0, "{}", stdout(&o));

    // A new problem is reported.
    let worse = format!(
        "# owned by the shop team\n# see the runbook\n{}",
        SINGLE.replace("nginx:1.27", "nginx:latest")
    );
    std::fs::write(dir.join("web.yaml"), worse).unwrap();
    let o = check(&["--baseline", "baseline.json"]);
    assert_eq!(code(&o), 1);
    let out = stdout(&o);
    assert!(out.contains("mutable-image-tag"), "{out}");
    assert!(!out.contains("single-replica"), "{out}");

    let o = check(&["--baseline", "missing.json"]);
    assert_eq!(code(&o), 2);
}

#[test]
fn pre_commit_hook_runs_with_context() {
    let hooks = std::fs::read_to_string(crate::repo().join(".pre-commit-hooks.yaml")).unwrap();
    let lines = kubeha::source::LineIndex::new(&hooks);
    let loaded = kubeha::source::load_str(&hooks, &lines, &kubeha::source::Limits::default());
    let hook = &loaded.documents[0].root[0];
    assert_eq!(hook["id"], "kubeha");
    assert_eq!(hook["language"], "rust");
    assert_eq!(hook["types"], serde_json::json!(["yaml"]));
    let entry: Vec<&str> = hook["entry"].as_str().unwrap().split_whitespace().collect();
    assert_eq!(entry[..2], ["kubeha", "check"]);
    assert!(entry.contains(&"--context"));

    // As pre-commit runs it: the entry's arguments, then the changed files.
    let dir = scratch("precommit");
    std::fs::write(
        dir.join("deploy.yaml"),
        SINGLE.replace("replicas: 1", "replicas: 3"),
    )
    .unwrap();
    std::fs::write(
        dir.join("pdb.yaml"),
        "apiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata: {name: web}\nspec:\n  maxUnavailable: 1\n  selector: {matchLabels: {app: web}}\n",
    )
    .unwrap();
    let o = kubeha()
        .current_dir(&dir)
        .args(&entry[1..])
        .args([
            "--no-config",
            "--format",
            "concise",
            "--select",
            "missing-pdb",
            "deploy.yaml",
        ])
        .output()
        .unwrap();
    assert_eq!(code(&o), 0, "{}{}", stdout(&o), stderr(&o));
}

#[test]
fn limits_are_configurable() {
    let dir = scratch("limits");
    std::fs::write(dir.join("deep.yaml"), "a: [[[[[[1]]]]]]\n").unwrap();
    std::fs::write(dir.join(".kubeha.yaml"), "limits:\n  max-depth: 4\n").unwrap();
    let o = kubeha()
        .current_dir(&dir)
        .args(["check", "--format", "concise", "deep.yaml"])
        .output()
        .unwrap();
    assert!(stdout(&o).contains("deep.yaml:1:7: error[invalid-yaml] invalid YAML: nesting is deeper than the limit of 4 levels"), "{}", stdout(&o));
    std::fs::write(dir.join(".kubeha.yaml"), "limits:\n  max-deepth: 4\n").unwrap();
    let o = kubeha()
        .current_dir(&dir)
        .args(["check", "deep.yaml"])
        .output()
        .unwrap();
    assert_eq!(code(&o), 2);
    assert_stderr_has(&o, "did you mean `max-depth`?");
}

#[test]
fn human_output_shares_snippets_prints_help_once_and_ends_with_a_rule_table() {
    let two = format!("{SINGLE}---\n{}", SINGLE.replace("name: web", "name: api"));
    let o = run_stdin(
        &[
            "check",
            "--no-config",
            "--select",
            "single-replica,missing-memory-limit,missing-resource-requests",
            "-",
        ],
        &two,
    );
    let out = stdout(&o);
    // Each help text is printed in full once per rule; repeats point back to it.
    assert_eq!(
        out.matches("Set `spec.replicas` to at least 2").count(),
        1,
        "{out}"
    );
    assert!(
        out.contains("as for the first finding of this rule above"),
        "{out}"
    );
    // Two findings on one container share its snippet: one snippet per place.
    let snippets = out.matches("╭─[").count();
    assert!(snippets < 6, "{snippets} snippets for 6 findings:\n{out}");
    // The table: count, severity, rule, and the config line that switches the rule off.
    assert!(
        out.contains("     2  warning   single-replica")
            && out.contains("rules: { single-replica: off }"),
        "{out}"
    );
    let stats = stdout(&run_stdin(
        &[
            "check",
            "--no-config",
            "--select",
            "single-replica",
            "--statistics",
            "-",
        ],
        &two,
    ));
    assert!(!stats.contains("╭─["), "{stats}");
    assert!(
        stats.contains("     2  warning   single-replica"),
        "{stats}"
    );
    assert!(stats.trim_end().ends_with("(2 objects)."), "{stats}");
}

#[test]
fn version_completions_and_man_page() {
    let version = stdout(&kubeha().arg("--version").output().unwrap());
    assert!(
        version.starts_with(&format!("kubeha {} (", env!("CARGO_PKG_VERSION")))
            && version.trim_end().ends_with(')'),
        "{version}"
    );
    for shell in ["bash", "zsh", "fish"] {
        let o = kubeha().args(["completions", shell]).output().unwrap();
        assert_eq!(code(&o), 0);
        assert!(stdout(&o).contains("check"), "{shell}");
    }
    let man = stdout(&kubeha().arg("man").output().unwrap());
    assert!(
        man.starts_with(".ie") && man.contains(".TH kubeha 1"),
        "{man}"
    );
}

#[test]
fn related_locations_and_listed_ports_are_capped() {
    // One Service over 30 Deployments whose pods declare 30 ports, targeting a port name none
    // declares: one finding, 20 related locations and a note, 20 ports listed and "… and N more".
    let mut yaml = String::from(
        "apiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec:\n  selector: {app: web}\n  ports: [{port: 80, targetPort: missing}]\n",
    );
    for i in 0..30 {
        yaml.push_str(&format!(
            "---\napiVersion: apps/v1\nkind: Deployment\nmetadata: {{name: web-{i}}}\nspec:\n  replicas: 2\n  selector: {{matchLabels: {{app: web, n: \"{i}\"}}}}\n  template:\n    metadata: {{labels: {{app: web, n: \"{i}\"}}}}\n    spec: {{containers: [{{name: c, image: \"nginx:1.27\", ports: [{{name: p{i}, containerPort: {}}}]}}]}}\n",
            8000 + i
        ));
    }
    let o = run_stdin(
        &[
            "check",
            "--no-config",
            "--select",
            "service-target-port-mismatch",
            "--format",
            "json",
            "-",
        ],
        &yaml,
    );
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let findings = v["findings"].as_array().unwrap();
    assert_eq!(findings.len(), 1, "{v}");
    let related = findings[0]["related"].as_array().unwrap();
    assert_eq!(related.len(), 21, "{related:?}");
    assert!(
        related[20]["message"]
            .as_str()
            .unwrap()
            .starts_with("… and more")
    );
    let help = findings[0]["help"].as_str().unwrap();
    assert!(help.contains("… and 10 more"), "{help}");
}

#[test]
fn values_the_api_server_rejects_are_reported_once_by_invalid_object() {
    // Every rule on: a negative replica count, a malformed or over-100% percentage and a port
    // out of range are `invalid-object`'s, and no other rule draws a conclusion from them.
    let text = std::fs::read_to_string(
        crate::repo().join("fixtures/invalid-object/fail-out-of-range-values.yaml"),
    )
    .unwrap();
    let dir = scratch("rejected-values");
    std::fs::write(dir.join("all.yaml"), &text).unwrap();
    let o = kubeha()
        .args(["check", "--no-config", "--format", "concise"])
        .arg(dir.join("all.yaml"))
        .output()
        .unwrap();
    let out = stdout(&o);
    let marked: Vec<usize> = text
        .lines()
        .enumerate()
        .filter(|(_, l)| l.contains("# expect: invalid-object"))
        .map(|(i, _)| i + 1)
        .collect();
    for line in out.lines() {
        let Some(n) = line.split(':').nth(1).and_then(|n| n.parse::<usize>().ok()) else {
            continue;
        };
        if marked.contains(&n) {
            assert!(line.contains("[invalid-object]"), "{line}\n{out}");
        }
    }
    let count = out.matches("[invalid-object]").count();
    assert_eq!(count, marked.len(), "{out}");
}
