//! The variant model on real directory trees: which files are applied together
//! (`duplicate-object`) and which objects cross-object rules may pair.

use std::path::{Path, PathBuf};
use std::process::Command;

use kubeha::{Config, Input};

use crate::lint;

/// A scratch tree of `(relative path, text)` files.
fn tree(name: &str, files: &[(&str, &str)]) -> PathBuf {
    let root = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("variants")
        .join(name);
    let _ = std::fs::remove_dir_all(&root);
    for (path, text) in files {
        let path = root.join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    root
}

/// `relative/file.yaml: rule` for each finding of `rules` (all rules when empty), sorted.
fn findings(root: &Path, config: &str, rules: &[&str]) -> Vec<String> {
    let mut config = Config::parse(".kubeha.yaml", config).unwrap();
    if !rules.is_empty() {
        let names: Vec<String> = rules.iter().map(|&r| r.to_owned()).collect();
        config.select(&names).unwrap();
    }
    let report = lint(&[Input::Path(root.to_owned())], &config);
    let mut out: Vec<String> = report
        .findings
        .iter()
        .map(|f| {
            // Reported paths are relative to the working directory (absolute outside it).
            let name = std::fs::canonicalize(&report.files[f.file.index()].name).unwrap();
            let rel = name
                .strip_prefix(std::fs::canonicalize(root).unwrap())
                .unwrap()
                .display();
            format!("{rel}: {}", f.rule)
        })
        .collect();
    out.sort();
    out
}

fn deployment(name: &str, replicas: u32) -> String {
    format!(
        "apiVersion: apps/v1
kind: Deployment
metadata:
  name: {name}
spec:
  replicas: {replicas}
  selector:
    matchLabels: {{app: {name}}}
  template:
    metadata:
      labels: {{app: {name}}}
    spec:
      containers:
        - name: {name}
          image: registry.example.com/{name}:1.0.0
"
    )
}

fn pdb(name: &str, budget: &str) -> String {
    format!(
        "apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: {name}
spec:
  {budget}
  selector:
    matchLabels: {{app: {name}}}
"
    )
}

const PDB_RULES: &[&str] = &[
    "missing-pdb",
    "pdb-overlap",
    "pdb-blocks-eviction",
    "pdb-matches-nothing",
    "duplicate-object",
];

#[test]
fn environments_are_variants_and_each_is_judged_alone() {
    let dev = deployment("web", 2);
    let prod = deployment("web", 4);
    let root = tree(
        "envs",
        &[
            ("envs/dev/deploy.yaml", &dev),
            ("envs/dev/pdb.yaml", &pdb("web", "maxUnavailable: 1")),
            ("envs/prod/deploy.yaml", &prod),
            ("envs/prod/pdb.yaml", &pdb("web", "minAvailable: 3")),
        ],
    );
    assert_eq!(
        findings(&root, "", PDB_RULES),
        Vec::<String>::new(),
        "no pdb-overlap across environments, no duplicate-object between their copies"
    );
    // Without prod's PDB, prod's Deployment is unprotected; dev's is still protected.
    std::fs::remove_file(root.join("envs/prod/pdb.yaml")).unwrap();
    assert_eq!(
        findings(&root, "", PDB_RULES),
        vec!["envs/prod/deploy.yaml: missing-pdb"]
    );
}

#[test]
fn kustomize_base_pairs_with_every_overlay() {
    let root = tree(
        "kustomize",
        &[
            ("app/base/deploy.yaml", &deployment("web", 3)),
            (
                "app/overlays/dev/pdb.yaml",
                &pdb("web", "maxUnavailable: 1"),
            ),
            ("app/overlays/prod/pdb.yaml", &pdb("web", "minAvailable: 2")),
        ],
    );
    assert_eq!(
        findings(&root, "", PDB_RULES),
        Vec::<String>::new(),
        "each overlay's PDB protects the base Deployment; the two PDBs never overlap"
    );
    // A base PDB over per-overlay Deployments: pods are counted per overlay, not summed.
    let root = tree(
        "kustomize-counts",
        &[
            ("app/base/pdb.yaml", &pdb("web", "minAvailable: 2")),
            ("app/overlays/dev/deploy.yaml", &deployment("web", 2)),
            ("app/overlays/prod/deploy.yaml", &deployment("web", 5)),
        ],
    );
    assert_eq!(
        findings(&root, "", PDB_RULES),
        vec!["app/base/pdb.yaml: pdb-blocks-eviction"],
        "2 of dev's 2 pods must stay (summed with prod's it would look like 2 of 7)"
    );
}

#[test]
fn a_plain_repository_pairs_normally() {
    let root = tree(
        "plain",
        &[
            ("k8s/deploy.yaml", &deployment("web", 3)),
            ("k8s/pdb.yaml", &pdb("web", "maxUnavailable: 1")),
        ],
    );
    assert_eq!(findings(&root, "", PDB_RULES), Vec::<String>::new());
    std::fs::write(
        root.join("k8s/pdb-copy.yaml"),
        pdb("web-copy", "maxUnavailable: 1").replace("{app: web-copy}", "{app: web}"),
    )
    .unwrap();
    assert_eq!(
        findings(&root, "", PDB_RULES),
        vec!["k8s/deploy.yaml: pdb-overlap"]
    );
}

#[test]
fn an_install_and_its_ha_subdirectory_are_variants() {
    let root = tree(
        "install",
        &[
            ("install/install.yaml", &deployment("server", 2)),
            ("install/ha/install.yaml", &deployment("server", 3)),
            ("install/ha/pdb.yaml", &pdb("server", "maxUnavailable: 1")),
        ],
    );
    assert_eq!(
        findings(&root, "", PDB_RULES),
        vec!["install/install.yaml: missing-pdb"],
        "the HA PDB protects the HA Deployment only; different directories are no duplicate"
    );
}

#[test]
fn declared_variant_files_in_one_directory() {
    let a = format!(
        "{}---\n{}",
        deployment("web", 2),
        pdb("web", "maxUnavailable: 1")
    );
    let b = deployment("web", 4);
    let root = tree("declared", &[("k8s/a.yaml", &a), ("k8s/b.yaml", &b)]);
    assert_eq!(
        findings(&root, "", PDB_RULES),
        vec!["k8s/b.yaml: duplicate-object"],
        "one directory: applied together"
    );
    let config = "variants:\n  - [k8s/a.yaml, k8s/b.yaml]\n";
    assert_eq!(
        findings(&root, config, PDB_RULES),
        vec!["k8s/b.yaml: missing-pdb"],
        "declared variants: no duplicate, and a's PDB does not cover b's Deployment"
    );
}

fn kubeha_json(dir: &Path, args: &[&str], stdin: Option<&str>) -> serde_json::Value {
    use std::io::Write as _;
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_kubeha"));
    cmd.current_dir(dir)
        .env("NO_COLOR", "1")
        .args(["check", "--format", "json", "--fail-on", "never"])
        .args(args)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped());
    let mut child = cmd.spawn().unwrap();
    let mut input = child.stdin.take().unwrap();
    input.write_all(stdin.unwrap_or("").as_bytes()).unwrap();
    drop(input);
    let out = child.wait_with_output().unwrap();
    serde_json::from_slice(&out.stdout).unwrap()
}

fn duplicates(v: &serde_json::Value) -> Vec<&serde_json::Value> {
    v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == "duplicate-object")
        .collect()
}

#[test]
fn two_files_of_one_directory_are_one_finding_naming_the_config_line() {
    let cm = |name: &str, value: &str| {
        format!(
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {name}\ndata:\n  MODE: {value}\n"
        )
    };
    let role = "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata:\n  name: reader\nrules: []\n";
    // Five objects redefined differently, one identical (written differently), one identical
    // cluster-scoped one.
    let mut a = vec![deployment("web", 2), role.to_owned()];
    let mut b = vec![deployment("web", 3), format!("# same role\n{role}")];
    for (i, name) in ["a", "b", "c", "d"].iter().enumerate() {
        a.push(cm(name, "plain"));
        b.push(cm(name, &format!("ha-{i}")));
    }
    a.push(cm("same", "x"));
    b.push("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: same, namespace: default}\ndata: {MODE: x}\n".to_owned());
    let root = tree(
        "message",
        &[
            ("manifests/install.yaml", &a.join("---\n")),
            ("manifests/ha-install.yaml", &b.join("---\n")),
        ],
    );
    let v = kubeha_json(&root, &["--no-config", "manifests"], None);
    let found = duplicates(&v);
    assert_eq!(found.len(), 1, "{v:#}");
    let f = found[0];
    assert_eq!(f["severity"], "warning");
    assert_eq!(
        f["file"], "manifests/install.yaml",
        "the later file (sorted by name)"
    );
    let message = f["message"].as_str().unwrap();
    assert!(
        message
            .starts_with("manifests/install.yaml redefines 5 objects of manifests/ha-install.yaml")
            && message.contains("first Deployment `web` in namespace `default`")
            && message.contains("`kubectl apply -f manifests`"),
        "{message}"
    );
    let help = f["help"].as_str().unwrap();
    let line = "variants: [[manifests/ha-install.yaml, manifests/install.yaml]]";
    assert!(help.contains(line), "{help}");
    let related: Vec<&str> = f["related"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["message"].as_str().unwrap())
        .collect();
    assert_eq!(
        related,
        [
            "first defined in manifests/ha-install.yaml",
            "also redefined here: ConfigMap `a` in namespace `default`",
            "also redefined here: ConfigMap `b` in namespace `default`",
            "also redefined here: ConfigMap `c` in namespace `default` (… and 1 more)",
        ]
    );
    // The line from the help, as it is, silences it.
    std::fs::write(root.join(".kubeha.yaml"), format!("{line}\n")).unwrap();
    let v = kubeha_json(&root, &["manifests"], None);
    assert!(duplicates(&v).is_empty(), "{v:#}");
}

#[test]
fn one_file_is_an_error_and_stdin_is_one_unit() {
    let root = tree("stdin", &[("dir/web.yaml", &deployment("web", 5))]);
    let text = format!("{}---\n{}", deployment("web", 2), deployment("web", 3));
    let v = kubeha_json(&root, &["--no-config", "-"], Some(&text));
    let found = duplicates(&v);
    assert_eq!(found.len(), 1, "{v:#}");
    assert_eq!(found[0]["severity"], "error");
    assert!(
        found[0]["message"]
            .as_str()
            .unwrap()
            .starts_with("Deployment `web` in namespace `default` is defined twice in this file"),
        "{v:#}"
    );
    // Stdin and a directory are two units: no duplicate between them.
    let one = deployment("web", 2);
    let v = kubeha_json(&root, &["--no-config", "-", "dir"], Some(&one));
    assert!(duplicates(&v).is_empty(), "{v:#}");
    // Identical copies in one stream are no conflict.
    let v = kubeha_json(
        &root,
        &["--no-config", "-"],
        Some(&format!("{one}---\n# again\n{one}")),
    );
    assert!(duplicates(&v).is_empty(), "{v:#}");
}

#[test]
fn variants_config_errors_are_located() {
    let err = |text: &str| Config::parse(".kubeha.yaml", text).unwrap_err();
    let e = err("variants: [a.yaml, b.yaml]\n");
    assert_eq!(e.message, "a `variants` entry must be a list of files");
    assert!(e.span.is_some());
    let e = err("variants:\n  - [a.yaml]\n");
    assert_eq!(e.message, "a `variants` entry needs at least two files");
    let e = err("variants: {a: b}\n");
    assert_eq!(e.message, "`variants` must be a list of entries");
    let e = err("variants: [[a.yaml, 3]]\n");
    assert_eq!(
        e.message,
        "each file of a `variants` entry must be a path or glob string"
    );
    let e = err("variant: [[a.yaml, b.yaml]]\n");
    assert!(e.help.unwrap().contains("`variants`"));
}
