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
fn deeply_nested_valid_schemas_do_not_overflow_the_stack() {
    // A CRD-like schema 200 levels deep: within the depth limit, decoded on the worker stacks.
    let mut schema = String::from("type: string\n");
    for _ in 0..60 {
        let indented: String = schema.lines().map(|l| format!("      {l}\n")).collect();
        schema = format!(
            "type: object\nproperties:\n  child:\n{}",
            indented.replacen("      ", "    ", 0)
        );
    }
    let crd = format!(
        "apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata: {{name: deeps.example.com}}\nspec:\n  group: example.com\n  names: {{kind: Deep, plural: deeps}}\n  scope: Namespaced\n  versions:\n    - name: v1\n      served: true\n      storage: true\n      schema:\n        openAPIV3Schema:\n{}",
        schema
            .lines()
            .map(|l| format!("          {l}\n"))
            .collect::<String>()
    );
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("deep-crd");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    write(&dir, "crd.yaml", crd);
    let (code, stdout, stderr) = run_bounded(
        Command::new(env!("CARGO_BIN_EXE_kubeha"))
            .args(["check", "--no-config", "--format", "concise"])
            .arg(dir.join("crd.yaml")),
    );
    assert_eq!(code, Some(0), "{stdout}{stderr}");
}
