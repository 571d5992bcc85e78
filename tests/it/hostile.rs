//! Hostile and broken input, generated at test time: every bad file gets a located error, no
//! panic, no hang, and the valid file beside them is still reported.

use std::io::Read;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const GOOD: &str = "apiVersion: apps/v1
kind: Deployment
metadata:
  name: good
spec:
  replicas: 1
  selector: {matchLabels: {app: good}}
  template:
    metadata: {labels: {app: good}}
    spec: {containers: [{name: good, image: nginx:1.27.2}]}
";

fn write(dir: &Path, name: &str, bytes: impl AsRef<[u8]>) {
    std::fs::write(dir.join(name), bytes).unwrap();
}

fn alias_bomb() -> String {
    let mut s = String::from(
        "a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n",
    );
    let names = ["a", "b", "c", "d", "e", "f", "g", "h", "i"];
    for pair in names.windows(2) {
        let refs = vec![format!("*{}", pair[0]); 9].join(",");
        s.push_str(&format!("{}: &{} [{refs}]\n", pair[1], pair[1]));
    }
    s
}

/// Deterministic pseudo-random bytes (xorshift), so failures reproduce.
fn binary(len: usize) -> Vec<u8> {
    let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
    (0..len)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            (x >> 24) as u8
        })
        .collect()
}

/// Runs kubeha and kills it if it has not finished within a generous bound: a hang fails the
/// test, a slow machine does not.
fn run_bounded(cmd: &mut Command) -> (Option<i32>, String, String) {
    let mut child = cmd
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdout = child.stdout.take().unwrap();
    let mut stderr = child.stderr.take().unwrap();
    let out = std::thread::spawn(move || {
        let mut s = String::new();
        stdout.read_to_string(&mut s).unwrap();
        s
    });
    let err = std::thread::spawn(move || {
        let mut s = String::new();
        stderr.read_to_string(&mut s).unwrap();
        s
    });
    let deadline = Instant::now() + Duration::from_secs(300);
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if Instant::now() > deadline {
            child.kill().unwrap();
            panic!("kubeha did not finish within 300 s on hostile input");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    (status.code(), out.join().unwrap(), err.join().unwrap())
}

#[test]
fn hostile_inputs_get_located_errors_and_good_files_are_still_linted() {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("hostile");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();

    write(&dir, "good.yaml", GOOD);
    write(&dir, "alias-bomb.yaml", alias_bomb());
    write(
        &dir,
        "flow-deep.yaml",
        format!("a: {}{}\n", "[".repeat(200_000), "]".repeat(200_000)),
    );
    write(
        &dir,
        "block-deep.yaml",
        format!("{}x\n", "- ".repeat(20_000)),
    );
    write(&dir, "binary.yaml", binary(64 * 1024));
    write(
        &dir,
        "latin1.yaml",
        b"apiVersion: v1\nkind: ConfigMap\nmetadata: {name: caf\xe9}\n",
    );
    write(
        &dir,
        "nul.yaml",
        b"apiVersion: v1\nkind: ConfigMap\x00\nmetadata: {name: x}\n",
    );
    write(
        &dir,
        "tabs.yaml",
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n\tname: x\n",
    );
    write(&dir, "empty.yaml", "");
    write(&dir, "markers.yaml", "---\n...\n---\n...\n");
    write(&dir, "scalar.yaml", "just a string\n");
    write(
        &dir,
        "unclosed.yaml",
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: \"x}\n",
    );
    let many: String = (0..100_000)
        .map(|i| format!("---\napiVersion: v1\nkind: ConfigMap\nmetadata: {{name: c{i}}}\n"))
        .collect();
    write(&dir, "many-docs.yaml", many);
    write(
        &dir,
        "long-line.yaml",
        format!("a: {}\n", "x".repeat(20_000_000)),
    );
    std::os::unix::fs::symlink(&dir, dir.join("loop")).unwrap();
    let unreadable = dir.join("unreadable.yaml");
    write(&dir, "unreadable.yaml", GOOD);
    std::fs::set_permissions(
        &unreadable,
        std::os::unix::fs::PermissionsExt::from_mode(0o000),
    )
    .unwrap();
    // Root reads anything: then use a file whose read fails for everyone.
    let unreadable = if std::fs::read(&unreadable).is_ok() {
        std::fs::remove_file(&unreadable).unwrap();
        Path::new("/proc/self/mem").to_owned()
    } else {
        unreadable
    };

    let (code, stdout, stderr) = run_bounded(
        Command::new(env!("CARGO_BIN_EXE_kubeha"))
            .args(["check", "--no-config", "--format", "json"])
            .arg(&dir)
            .arg(dir.join("does-not-exist.yaml"))
            .arg(&unreadable),
    );
    assert_eq!(code, Some(2), "I/O errors exit 2\n{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(stderr.contains("does-not-exist.yaml"), "{stderr}");
    assert!(
        stderr.contains(&unreadable.display().to_string()),
        "{stderr}"
    );

    let report: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    let findings = report["findings"].as_array().unwrap();
    let in_file = |name: &str| -> Vec<&serde_json::Value> {
        findings
            .iter()
            .filter(|f| f["file"].as_str().unwrap().ends_with(name))
            .collect()
    };
    assert!(
        in_file("good.yaml")
            .iter()
            .any(|f| f["rule"] == "single-replica" && f["line"] == 6),
        "the valid file beside the bad ones is still linted"
    );
    let expect = |name: &str, rule: &str, needle: &str| {
        let found = in_file(name);
        assert!(
            found
                .iter()
                .any(|f| f["rule"] == rule && f["message"].as_str().unwrap().contains(needle)),
            "{name}: expected {rule} containing {needle:?}, got {found:#?}"
        );
        for f in found.iter().filter(|f| f["rule"] == rule) {
            assert!(f["line"].as_u64().unwrap() >= 1 && f["column"].as_u64().unwrap() >= 1);
        }
    };
    expect("alias-bomb.yaml", "invalid-yaml", "alias");
    expect("flow-deep.yaml", "invalid-yaml", "");
    expect("block-deep.yaml", "invalid-yaml", "nesting");
    expect("binary.yaml", "invalid-yaml", "UTF-8");
    expect("latin1.yaml", "invalid-yaml", "UTF-8");
    expect("nul.yaml", "invalid-yaml", "unprintable");
    expect("tabs.yaml", "invalid-yaml", "tab");
    // A walked file with no Kubernetes object is not a manifest: skipped, not an error.
    assert!(
        report["skipped"]
            .as_array()
            .unwrap()
            .iter()
            .any(|s| s["file"].as_str().unwrap().ends_with("scalar.yaml")
                && s["reason"] == "not-a-manifest"),
        "{}",
        report["skipped"]
    );
    expect("unclosed.yaml", "invalid-yaml", "");
    expect("long-line.yaml", "invalid-yaml", "longer than the limit");
    assert!(in_file("empty.yaml").is_empty() && in_file("markers.yaml").is_empty());
    // 100,000 valid documents are all read: none is reported as broken.
    assert!(
        in_file("many-docs.yaml")
            .iter()
            .all(|f| f["rule"] != "invalid-yaml")
    );
    assert!(report["summary"]["objects"].as_u64().unwrap() >= 100_000);
}

#[test]
fn deeply_nested_valid_input_does_not_overflow_the_stack() {
    // Just under the default depth limit (256): an unknown field of a Deployment nested 240
    // levels deep is decoded (k8s-openapi skips it through serde_ignored, recursively) and
    // reported; a CRD schema as deep is parsed and dropped. Both on the worker stacks.
    let deep = |levels: usize| -> String {
        let mut s = String::from("leaf");
        for _ in 0..levels {
            s = format!("{{k: {s}}}");
        }
        s
    };
    let deploy = format!(
        "apiVersion: apps/v1\nkind: Deployment\nmetadata: {{name: w}}\nspec:\n  replicas: 2\n  selector: {{matchLabels: {{app: w}}}}\n  template:\n    metadata: {{labels: {{app: w}}}}\n    spec:\n      containers: [{{name: w, image: \"nginx:1.27\", extra: {}}}]\n",
        deep(240)
    );
    let crd = format!(
        "apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata: {{name: deeps.example.com}}\nspec:\n  group: example.com\n  names: {{kind: Deep, plural: deeps}}\n  scope: Namespaced\n  versions:\n    - name: v1\n      served: true\n      storage: true\n      schema:\n        openAPIV3Schema: {}\n",
        deep(240)
    );
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("deep-valid");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    write(&dir, "deploy.yaml", deploy);
    write(&dir, "crd.yaml", crd);
    let (code, report, stderr) = lint_json(&dir, &["--select", "unknown-field,invalid-yaml"]);
    assert_eq!(code, Some(1), "{stderr}");
    let findings = report["findings"].as_array().unwrap();
    assert_eq!(findings.len(), 1, "{findings:#?}");
    assert_eq!(findings[0]["rule"], "unknown-field");
    assert!(
        findings[0]["message"].as_str().unwrap().contains("extra"),
        "{findings:#?}"
    );
}

fn lint_json(dir: &Path, args: &[&str]) -> (Option<i32>, serde_json::Value, String) {
    let (code, stdout, stderr) = run_bounded(
        Command::new(env!("CARGO_BIN_EXE_kubeha"))
            .args(["check", "--no-config", "--format", "json"])
            .args(args)
            .arg(dir),
    );
    assert!(!stderr.contains("panicked"), "{stderr}");
    let report = serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("{e}: {stdout}"));
    (code, report, stderr)
}

fn fresh_dir(name: &str) -> std::path::PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// A Deployment of one replica on a single line, its `spec` past column 65535.
fn one_line_manifest() -> String {
    format!(
        "{{\"apiVersion\": \"apps/v1\", \"kind\": \"Deployment\", \"metadata\": {{\"name\": \"wide\", \"annotations\": {{\"note\": \"{}\"}}}}, \"spec\": {{\"replicas\": 1, \"selector\": {{\"matchLabels\": {{\"app\": \"wide\"}}}}, \"template\": {{\"metadata\": {{\"labels\": {{\"app\": \"wide\"}}}}, \"spec\": {{\"containers\": [{{\"name\": \"c\", \"image\": \"nginx:1.27.2\"}}]}}}}}}}}\n",
        "y".repeat(70_000)
    )
}

#[test]
fn findings_past_column_65535_render_without_megabyte_lines() {
    let dir = fresh_dir("wide");
    write(&dir, "good.yaml", GOOD);
    write(&dir, "one-line.yaml", one_line_manifest());
    write(
        &dir,
        "syntax-at-end.yaml",
        format!("a: {} : [\n", "x".repeat(2_000_000)),
    );
    let out = dir.join("report.json");
    let (code, stdout, stderr) = run_bounded(
        Command::new(env!("CARGO_BIN_EXE_kubeha"))
            .args(["check", "--no-config", "--format", "json", "--output"])
            .arg(&out)
            .arg(&dir),
    );
    assert_eq!(code, Some(1), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    for name in [
        "good.yaml",
        "one-line.yaml:1:",
        "syntax-at-end.yaml:1:2000005",
    ] {
        assert!(stdout.contains(name), "{name} missing from\n{stdout}");
    }
    let longest = stdout.lines().map(|l| l.chars().count()).max().unwrap_or(0);
    assert!(
        longest < 400,
        "a {longest}-character line in the human report"
    );
    assert!(stdout.contains('…'), "cut lines are marked");
    let report: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
    let wide = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| {
            f["rule"] == "single-replica" && f["file"].as_str().unwrap().ends_with("one-line.yaml")
        })
        .expect("the one-line Deployment is reported");
    assert!(wide["column"].as_u64().unwrap() > 65_535);
}

#[test]
fn control_characters_never_reach_the_terminal_raw() {
    let dir = fresh_dir("controls");
    write(
        &dir,
        "evil.yaml",
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: \"x\\e]0;pwned\\a\\e[2J\\rgood.yaml:1:1: error[forged] \\u0085boom\\nnext\\u202e\\uFFFE\"\nspec:\n  replicas: 1\n  selector: {matchLabels: {app: x}}\n  template:\n    metadata: {labels: {app: x}}\n    spec: {containers: [{name: c, image: \"nginx:1.27.2\"}]}\r\n",
    );
    // Raw control characters are not YAML: an error whose snippet shows the line.
    write(&dir, "raw.yaml", "a: b # \u{1b}[31m red \u{7}\n");
    for format in ["human", "concise", "github"] {
        let (code, stdout, stderr) = run_bounded(
            Command::new(env!("CARGO_BIN_EXE_kubeha"))
                .args(["check", "--no-config", "--format", format])
                .arg(&dir),
        );
        assert_eq!(code, Some(1), "{stderr}");
        for bad in ['\u{1b}', '\u{7}', '\r', '\u{85}', '\u{202e}'] {
            assert!(
                !stdout.contains(bad),
                "{format}: {bad:?} reached stdout:\n{stdout}"
            );
        }
        if format == "concise" {
            // Paths are reported relative to the working directory (absolute outside it).
            let cwd = std::env::current_dir().unwrap();
            let shown = dir.strip_prefix(&cwd).unwrap_or(&dir).display().to_string();
            for line in stdout.lines() {
                assert!(line.starts_with(&shown), "forged line {line:?}");
            }
        }
    }
    let (_, junit, _) = run_bounded(
        Command::new(env!("CARGO_BIN_EXE_kubeha"))
            .args(["check", "--no-config", "--format", "junit"])
            .arg(&dir),
    );
    let doc = roxmltree::Document::parse(&junit).unwrap_or_else(|e| panic!("{e}\n{junit}"));
    let failure = doc
        .descendants()
        .find(|n| {
            n.has_tag_name("failure") && n.attribute("message").is_some_and(|m| m.contains("pwned"))
        })
        .expect("the finding is a failure");
    let message = failure.attribute("message").unwrap();
    assert!(
        message.contains('\r') && message.contains('\n'),
        "line breaks in attributes survive as character references: {message:?}"
    );
    assert!(
        message.contains("\\u{fffe}") && message.contains("\\u{1b}"),
        "{message:?}"
    );
}

#[test]
fn suppression_comments_count_only_when_they_are_yaml_comments() {
    let dir = fresh_dir("suppress");
    let deployment = |name: &str| {
        GOOD.replace("name: good", &format!("name: {name}"))
            .replace("app: good", &format!("app: {name}"))
    };
    // A script in a ConfigMap and a quoted string mention the directive: text, not comments.
    write(
        &dir,
        "script.yaml",
        format!(
            "apiVersion: v1\nkind: ConfigMap\nmetadata: {{name: s}}\ndata:\n  run.sh: |\n    # kubeha: ignore-file\n    echo hi\n  note: \"a # kubeha: ignore-file\"\n---\n{}",
            deployment("scripted")
        ),
    );
    write(
        &dir,
        "misspelt.yaml",
        format!(
            "# kubeha: ignore-files[single-replica] legacy\n# kubeha: ignorexyz[single-replica] legacy\n# kubeha: ignore[single-replica legacy\n{}",
            deployment("misspelt")
        ),
    );
    write(
        &dir,
        "real.yaml",
        format!(
            "# kubeha: ignore-file[single-replica] runs once per tenant\n{}",
            deployment("real")
        ),
    );
    let (_, report, _) = lint_json(&dir, &[]);
    let findings = report["findings"].as_array().unwrap();
    let of = |file: &str, rule: &str| -> Vec<&serde_json::Value> {
        findings
            .iter()
            .filter(|f| f["file"].as_str().unwrap().ends_with(file) && f["rule"] == rule)
            .collect()
    };
    assert_eq!(
        of("script.yaml", "single-replica").len(),
        1,
        "{findings:#?}"
    );
    assert_eq!(
        of("misspelt.yaml", "single-replica").len(),
        1,
        "{findings:#?}"
    );
    assert!(
        of("real.yaml", "single-replica").is_empty(),
        "{findings:#?}"
    );
    let malformed = of("misspelt.yaml", "unused-suppression");
    assert_eq!(malformed.len(), 3, "{malformed:#?}");
    for (f, line) in malformed.iter().zip(1..) {
        assert_eq!(f["line"], line);
        assert!(
            f["message"]
                .as_str()
                .unwrap()
                .contains("not a kubeha directive"),
            "{f:#?}"
        );
    }
}

#[test]
fn output_files_never_replace_inputs_or_keep_partial_baselines() {
    let dir = fresh_dir("outputs");
    write(&dir, "good.yaml", GOOD);
    let manifest = dir.join("good.yaml");
    let (code, _, stderr) = run_bounded(
        Command::new(env!("CARGO_BIN_EXE_kubeha"))
            .args(["check", "--no-config", "--format", "json", "--output"])
            .arg(&manifest)
            .arg(&manifest),
    );
    assert_eq!(code, Some(2), "{stderr}");
    assert!(stderr.contains("one of the inputs"), "{stderr}");
    assert_eq!(std::fs::read_to_string(&manifest).unwrap(), GOOD);

    let baseline = dir.join("baseline.json");
    write(
        &dir,
        "baseline.json",
        "{\"version\": 1, \"findings\": []}\n",
    );
    let missing = dir.join("missing.yaml");
    let (code, _, stderr) = run_bounded(
        Command::new(env!("CARGO_BIN_EXE_kubeha"))
            .args(["check", "--no-config", "--write-baseline"])
            .arg(&baseline)
            .arg(&manifest)
            .arg(&missing),
    );
    assert_eq!(code, Some(2), "{stderr}");
    assert!(stderr.contains("missing.yaml"), "{stderr}");
    assert_eq!(
        std::fs::read_to_string(&baseline).unwrap(),
        "{\"version\": 1, \"findings\": []}\n",
        "the previous baseline is kept"
    );
    let (code, _, stderr) = run_bounded(
        Command::new(env!("CARGO_BIN_EXE_kubeha"))
            .args(["check", "--no-config", "--write-baseline"])
            .arg(&baseline)
            .arg(&manifest),
    );
    assert_eq!(code, Some(0), "{stderr}");
    assert!(
        std::fs::read_to_string(&baseline)
            .unwrap()
            .contains("single-replica")
    );
    let leftovers: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .filter_map(Result::ok)
        .filter(|e| e.file_name().to_string_lossy().ends_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn endless_inputs_are_read_to_their_limit_only() {
    let dir = fresh_dir("endless");
    write(&dir, "good.yaml", GOOD);
    let kubeha = || {
        let mut c = Command::new(env!("CARGO_BIN_EXE_kubeha"));
        c.arg("check");
        c
    };
    // An explicit path whose size stat cannot tell: read up to max-file-bytes, then a finding.
    let (code, stdout, stderr) = run_bounded(
        kubeha()
            .args(["--no-config", "--format", "concise", "/dev/zero"])
            .arg(dir.join("good.yaml")),
    );
    assert_eq!(code, Some(1), "{stderr}");
    assert!(
        stdout.contains("/dev/zero:1:1: error[invalid-yaml]"),
        "{stdout}"
    );
    assert!(stdout.contains("more than the limit"), "{stdout}");
    assert!(stdout.contains("good.yaml:6:3"), "{stdout}");
    for (flag, what) in [("--config", "config file"), ("--baseline", "baseline")] {
        let (code, _, stderr) = run_bounded(
            kubeha()
                .args([flag, "/dev/zero"])
                .arg(dir.join("good.yaml")),
        );
        assert_eq!(code, Some(2), "{stderr}");
        assert!(
            stderr.contains(what) && stderr.contains("limit"),
            "{stderr}"
        );
    }
}

#[test]
fn configs_baselines_and_line_endings_are_checked() {
    let dir = fresh_dir("checked");
    write(&dir, "good.yaml", GOOD);
    write(
        &dir,
        "two.yaml",
        "default-namespace: a\n---\ndefault-namespace: b\n",
    );
    write(
        &dir,
        "dup.yaml",
        "default-namespace: a\ndefault-namespace: b\n",
    );
    write(&dir, "deep.yaml", "limits: {max-depth: 100000}\n");
    write(&dir, "future.json", "{\"version\": 2, \"findings\": []}\n");
    for (args, needle) in [
        (["--config", "two.yaml"], "second document"),
        (["--config", "dup.yaml"], "set twice"),
        (["--baseline", "future.json"], "version 2 baseline"),
        (["--config", "deep.yaml"], "at most 1024"),
    ] {
        let (code, _, stderr) = run_bounded(
            Command::new(env!("CARGO_BIN_EXE_kubeha"))
                .current_dir(&dir)
                .arg("check")
                .args(args)
                .arg("good.yaml"),
        );
        assert_eq!(code, Some(2), "{stderr}");
        assert!(stderr.contains(needle), "{needle}: {stderr}");
    }
    // Classic Mac line endings: the parser breaks lines at CR, so must the line index.
    write(&dir, "mac.yaml", GOOD.replace('\n', "\r"));
    let (_, stdout, _) = run_bounded(
        Command::new(env!("CARGO_BIN_EXE_kubeha"))
            .args(["check", "--no-config", "--format", "concise"])
            .arg(dir.join("mac.yaml")),
    );
    assert!(
        stdout.contains("mac.yaml:6:3: info[single-replica]"),
        "{stdout}"
    );
}

/// Findings of `kubeha check --format json` with `config` as the configuration.
fn lint_with_config(dir: &Path, config: &str) -> serde_json::Value {
    write(dir, "kubeha-config.yaml", config);
    let (_, stdout, stderr) = run_bounded(
        Command::new(env!("CARGO_BIN_EXE_kubeha"))
            .args(["check", "--format", "json", "--config"])
            .arg(dir.join("kubeha-config.yaml"))
            .arg(dir),
    );
    assert!(!stderr.contains("panicked"), "{stderr}");
    serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("{e}: {stdout}"))
}

fn messages_in<'r>(report: &'r serde_json::Value, file: &str, rule: &str) -> Vec<&'r str> {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["file"].as_str().unwrap().ends_with(file) && f["rule"] == rule)
        .map(|f| f["message"].as_str().unwrap())
        .collect()
}

#[test]
fn aliases_are_counted_in_bytes_per_file_and_per_run() {
    // A 1 MB anchored string aliased 20,000 times is 20 GB of copies (it aborted the process
    // when aliases were counted in nodes); 300 documents each under any per-document budget
    // copy 9 MB together.
    let dir = fresh_dir("alias-bytes");
    write(&dir, "good.yaml", GOOD);
    let mut bomb = format!("s: &s \"{}\"\nlist:\n", "x".repeat(1 << 20));
    bomb.push_str(&"- *s\n".repeat(20_000));
    write(&dir, "bomb.yaml", bomb);
    let doc = format!("a: &a \"{}\"\nb: [*a, *a, *a]\n", "y".repeat(10_000));
    write(&dir, "docs.yaml", vec![doc; 300].join("---\n"));
    let report = lint_with_config(&dir, "limits: {max-alias-bytes: 4194304}\n");
    // The bomb stops at its first alias past the budget; of the 300 documents, those that
    // alias once the file's budget is spent are each broken, the others read.
    for (file, most) in [("bomb.yaml", 1), ("docs.yaml", 299)] {
        let found = messages_in(&report, file, "invalid-yaml");
        assert!(
            (1..=most).contains(&found.len())
                && found
                    .iter()
                    .all(|m| m.contains("aliases expand to more than 4194304 bytes in this file")),
            "{file}: {found:?}"
        );
    }
    assert!(!messages_in(&report, "good.yaml", "single-replica").is_empty());

    // Three files of 3.2 MB of copies each, against a run budget of 8 MiB: not all fit. Files
    // are read in parallel, so which of them reach the spent budget first is not fixed.
    let dir = fresh_dir("alias-run");
    write(&dir, "good.yaml", GOOD);
    let legit = format!(
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {{name: c}}\ndata:\n  a: &a \"{}\"\n{}",
        "z".repeat(64 << 10),
        (0..50).map(|i| format!("  k{i}: *a\n")).collect::<String>()
    );
    for name in ["one.yaml", "two.yaml", "three.yaml"] {
        write(&dir, name, &legit);
    }
    let report = lint_with_config(&dir, "limits: {max-run-alias-bytes: 8388608}\n");
    let over: Vec<&str> = ["one.yaml", "two.yaml", "three.yaml"]
        .into_iter()
        .flat_map(|file| messages_in(&report, file, "invalid-yaml"))
        .collect();
    assert!(
        !over.is_empty()
            && over
                .iter()
                .all(|m| m.contains("more than 8388608 bytes in this run")),
        "{over:?}"
    );
    assert!(!messages_in(&report, "good.yaml", "single-replica").is_empty());
}

/// `kubeha check --format json` on `dir` under a 2 GiB address-space limit (`ulimit -v`) and
/// the 300 s bound: the algorithmic blow-ups of issue 15 must fit in both, by far.
fn lint_bounded_memory(dir: &Path) -> serde_json::Value {
    let (code, stdout, stderr) = run_bounded(
        Command::new("sh")
            .arg("-c")
            .arg("ulimit -v 2097152; exec \"$0\" \"$@\"")
            .arg(env!("CARGO_BIN_EXE_kubeha"))
            .args(["check", "--no-config", "--format", "json"])
            .arg(dir),
    );
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert_eq!(code, Some(1), "{stderr}");
    serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("{e}: {stderr}"))
}

#[test]
fn algorithmic_blow_ups_fit_in_fixed_time_and_memory_beside_a_good_file() {
    let dir = fresh_dir("blow-ups");
    write(&dir, "good.yaml", GOOD);
    let deploy = |name: &str, ns: &str| {
        format!(
            "apiVersion: apps/v1\nkind: Deployment\nmetadata: {{name: {name}, namespace: {ns}}}\nspec:\n  replicas: 2\n  selector: {{matchLabels: {{app: {name}}}}}\n  template:\n    metadata: {{labels: {{app: {name}, tier: all}}}}\n    spec: {{containers: [{{name: c, image: \"nginx:1.27\"}}]}}\n---\n"
        )
    };
    // Item 7: one-to-one PDBs in one namespace; one name in many namespaces.
    let mut pdbs = String::new();
    for i in 0..1500 {
        pdbs.push_str(&deploy(&format!("app-{i}"), "one"));
        pdbs.push_str(&format!("apiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata: {{name: app-{i}, namespace: one}}\nspec: {{maxUnavailable: 1, selector: {{matchLabels: {{app: app-{i}}}}}}}\n---\n"));
    }
    write(&dir, "pdbs.yaml", pdbs);
    let mut names = String::new();
    for i in 0..1500 {
        names.push_str(&deploy("web", &format!("ns-{i}")));
        names.push_str(&format!("apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata: {{name: web, namespace: ns-{i}}}\nspec: {{scaleTargetRef: {{apiVersion: apps/v1, kind: Deployment, name: web}}, minReplicas: 1, maxReplicas: 3}}\n---\n"));
    }
    write(&dir, "names.yaml", names);
    // Item 8: many Services each selecting every pod of many Deployments with a bad port; one
    // Service with thousands of bad target ports.
    let mut matches = String::new();
    for i in 0..300 {
        matches.push_str(&deploy(&format!("m-{i}"), "many"));
        matches.push_str(&format!("apiVersion: v1\nkind: Service\nmetadata: {{name: s-{i}, namespace: many}}\nspec: {{selector: {{tier: all}}, ports: [{{port: 80, targetPort: nope}}]}}\n---\n"));
    }
    write(&dir, "matches.yaml", matches);
    let ports: String = (0..5000)
        .map(|i| {
            format!(
                "  - {{name: p{i}, port: {}, targetPort: missing-{i}}}\n",
                1000 + i
            )
        })
        .collect();
    write(
        &dir,
        "ports.yaml",
        format!(
            "{}apiVersion: v1\nkind: Service\nmetadata: {{name: s, namespace: ports}}\nspec:\n  selector: {{app: p}}\n  ports:\n{ports}",
            deploy("p", "ports")
        ),
    );
    // Item 9: repeated keys, many ambiguous scalars in a large ConfigMap, dedented brackets,
    // findings on a long non-ASCII line.
    let dup: String = (0..20_000)
        .map(|i| format!("  k{i}: a\n  k{i}: b\n"))
        .collect();
    write(
        &dir,
        "dup.yaml",
        format!("apiVersion: v1\nkind: ConfigMap\nmetadata: {{name: d}}\ndata:\n{dup}"),
    );
    let yes: String = (0..20_000)
        .map(|i| {
            if i % 80 == 0 {
                format!("  y{i}: yes\n")
            } else {
                format!("  v{i}: \"text\"\n")
            }
        })
        .collect();
    write(
        &dir,
        "yes.yaml",
        format!("apiVersion: v1\nkind: ConfigMap\nmetadata: {{name: yy}}\ndata:\n{yes}"),
    );
    let brackets: String = (0..200)
        .map(|i| format!("  b{i}: [\n    x,\n]\n"))
        .collect();
    write(
        &dir,
        "brackets.yaml",
        format!("apiVersion: v1\nkind: ConfigMap\nmetadata: {{name: b}}\ndata:\n{brackets}"),
    );
    let envs: String = (0..20_000)
        .map(|i| format!("{{\"name\":\"É{i}\",\"value\":\"ü\"}},"))
        .collect();
    write(
        &dir,
        "line.json.yaml",
        format!(
            "{{\"apiVersion\":\"apps/v1\",\"kind\":\"Deployment\",\"metadata\":{{\"name\":\"j\"}},\"spec\":{{\"replicas\":1,\"selector\":{{\"matchLabels\":{{\"app\":\"j\"}}}},\"template\":{{\"metadata\":{{\"labels\":{{\"app\":\"j\"}}}},\"spec\":{{\"containers\":[{{\"name\":\"j\",\"image\":\"nginx:latest\",\"env\":[{envs}{{\"name\":\"last\"}}]}}]}}}}}}}}\n"
        ),
    );
    // Item 11: values the API server rejects, not bogus findings.
    write(
        &dir,
        "percent.yaml",
        "apiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata: {name: p}\nspec: {maxUnavailable: \"-10%\", selector: {matchLabels: {app: good}}}\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata: {name: neg}\nspec:\n  replicas: -1\n  selector: {matchLabels: {app: neg}}\n  template:\n    metadata: {labels: {app: neg}}\n    spec: {containers: [{name: nn, image: \"nginx:1.27\", ports: [{containerPort: 70000}]}]}\n",
    );

    let report = lint_bounded_memory(&dir);
    assert!(!messages_in(&report, "good.yaml", "single-replica").is_empty());
    assert_eq!(
        messages_in(&report, "dup.yaml", "duplicate-key").len(),
        20_000
    );
    assert_eq!(
        messages_in(&report, "yes.yaml", "ambiguous-scalar").len(),
        250
    );
    assert!(messages_in(&report, "brackets.yaml", "invalid-yaml").is_empty());
    assert!(!messages_in(&report, "line.json.yaml", "mutable-image-tag").is_empty());
    assert!(messages_in(&report, "pdbs.yaml", "missing-pdb").is_empty());
    assert!(!messages_in(&report, "ports.yaml", "service-target-port-mismatch").is_empty());
    let rejected = messages_in(&report, "percent.yaml", "invalid-object");
    assert_eq!(rejected.len(), 3, "{rejected:?}");
    assert!(messages_in(&report, "percent.yaml", "single-replica").is_empty());
    // Related locations and listings are capped: no finding carries thousands of them.
    for f in report["findings"].as_array().unwrap() {
        let related = f["related"].as_array().map_or(0, Vec::len);
        assert!(related <= 21, "{f}");
        assert!(f["message"].as_str().unwrap().len() < 4096, "{f}");
    }
}

/// A repository with a `.kubeha.yaml` per directory, 3,000 of them, that differ only in their
/// `ignore:` entries: the rules run once for all of them (they run alike), and each config's
/// unused entry is reported in that config. One analysis per config was 3,000 runs of every
/// rule over every file, and each config's suppressions walked every file and object.
#[test]
fn many_configs_that_run_rules_alike_share_one_run() {
    const ENVS: usize = 3000;
    let dir = fresh_dir("hostile-many-configs");
    std::fs::create_dir_all(dir.join(".git")).unwrap();
    for i in 0..ENVS {
        let env = format!("env{i}");
        std::fs::create_dir_all(dir.join(&env)).unwrap();
        write(
            &dir,
            &format!("{env}/.kubeha.yaml"),
            format!("ignore:\n  - {{path: gone.yaml, reason: removed from {env}}}\n"),
        );
        write(
            &dir,
            &format!("{env}/web.yaml"),
            GOOD.replace("  name: good\n", &format!("  name: good-{i}\n")),
        );
    }
    let (code, stdout, stderr) = run_bounded(
        Command::new(env!("CARGO_BIN_EXE_kubeha"))
            .current_dir(&dir)
            .args(["check", "--format", "json", "--fail-on", "never"]),
    );
    assert_eq!(code, Some(0), "{stderr}");
    let report: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    let unused: std::collections::BTreeSet<&str> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == "unused-suppression")
        .map(|f| f["file"].as_str().unwrap())
        .collect();
    assert_eq!(unused.len(), ENVS, "one unused entry per config");
    assert!(unused.contains("env7/.kubeha.yaml"), "{unused:?}");
    assert_eq!(report["summary"]["files"], ENVS);
}
