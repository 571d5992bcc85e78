//! Fixes: each fixable rule's fail fixtures fixed (an insta snapshot of the fixed text), the
//! corpus round trip (fix everything, safe and unsafe, in a copy of `tests/corpus`), and the
//! `--fix` / `--diff` command line.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Command;

use kubeha::ConfigSet;
use kubeha::finding::Applicability;
use kubeha::fix::{Fixed, fix_workspace};
use kubeha::{Config, Input, Workspace};
use serde_json::Value;

use crate::relative;

/// The rules that offer a fix.
const FIXABLE: &[&str] = &[
    "ambiguous-scalar",
    "deprecated-api",
    "hpa-min-replicas",
    "missing-pdb",
    "missing-pod-spread",
    "pdb-unhealthy-eviction-policy",
    "replicas-with-hpa",
    "single-replica",
    "unknown-field",
    "unused-suppression",
];

/// Loads `inputs` and runs every fix at `level`.
fn fix(inputs: &[Input], config: &Config, level: Applicability) -> Fixed {
    let read = kubeha::discover::read_inputs(inputs, config);
    let mut ws = Workspace::load(read, config);
    fix_workspace(&mut ws, &ConfigSet::single(config.clone()), level, &|_| {})
}

#[test]
fn fail_fixtures_of_fixable_rules_are_fixed_and_snapshotted() {
    let mut settings = insta::Settings::clone_current();
    settings.set_prepend_module_to_snapshot(false);
    settings.set_snapshot_path(crate::repo().join("tests/it/snapshots"));
    let _guard = settings.bind_to_scope();
    let mut fixed_rules = BTreeSet::new();
    let root = crate::repo().join("fixtures");
    let mut files: Vec<(String, PathBuf)> = Vec::new();
    for dir in std::fs::read_dir(&root).unwrap() {
        let dir = dir.unwrap().path();
        let Some(rule) = dir.file_name().map(|n| n.to_string_lossy().into_owned()) else {
            continue;
        };
        if !dir.is_dir() {
            continue;
        }
        for file in std::fs::read_dir(&dir).unwrap() {
            let file = file.unwrap().path();
            let name = file.file_name().unwrap().to_string_lossy().into_owned();
            let yaml = file.extension().is_some_and(|e| e == "yaml" || e == "yml");
            if name.starts_with("fail") && yaml {
                files.push((rule.clone(), file));
            }
        }
    }
    files.sort();
    for (rule, path) in files {
        let config = crate::fixtures::fixture_config(&rule, &path);
        let rel = relative(&path);
        let fixed = fix(
            &[Input::Path(rel.clone().into())],
            &config,
            Applicability::Unsafe,
        );
        let Some(change) = fixed.changed.first() else {
            assert!(
                !FIXABLE.contains(&rule.as_str())
                    || fixed.report.findings.iter().all(|f| f.fix.is_none()),
                "{rel}: a fix is offered but not applied"
            );
            continue;
        };
        assert!(
            FIXABLE.contains(&rule.as_str()),
            "{rel}: `{rule}` fixes, add it to FIXABLE and the README"
        );
        fixed_rules.insert(rule.clone());
        // What the fixes were for is gone.
        for a in &fixed.applied {
            assert!(
                !fixed.report.findings.iter().any(|f| f.rule == a.rule
                    && fixed.report.object(f).map(|o| (&o.kind, &o.name))
                        == a.object.as_ref().map(|o| (&o.kind, &o.name))
                    && f.path == a.path),
                "{rel}: `{}` still reported after its fix",
                a.title
            );
        }
        let stem = path.file_stem().unwrap().to_string_lossy().into_owned();
        // `fixed__` first: a `rule__stem` name belongs to the fixture's report snapshot.
        insta::assert_snapshot!(format!("fixed__{rule}__{stem}"), change.text);
    }
    let want: BTreeSet<String> = FIXABLE.iter().map(|r| (*r).to_owned()).collect();
    assert_eq!(
        fixed_rules, want,
        "every fixable rule has a fail fixture it fixes"
    );
    let documented: BTreeSet<String> = kubeha::rules::RULES
        .iter()
        .map(|r| r.meta())
        .filter(|m| m.doc.contains("\nFix: "))
        .map(|m| m.name.to_owned())
        .collect();
    assert_eq!(
        documented, want,
        "rules/<rule>.md has a `Fix:` line iff the rule fixes"
    );
}

/// [`fix`] at the unsafe level, keeping the report of the first round (the lint before any fix).
fn fix_noting_first(inputs: &[Input], config: &Config) -> (Fixed, kubeha::Report) {
    let first = std::cell::RefCell::new(None);
    let read = kubeha::discover::read_inputs(inputs, config);
    let mut ws = Workspace::load(read, config);
    let fixed = fix_workspace(
        &mut ws,
        &ConfigSet::single(config.clone()),
        Applicability::Unsafe,
        &|report| {
            let mut first = first.borrow_mut();
            if first.is_none() {
                *first = Some(kubeha::Report {
                    findings: report.findings.clone(),
                    files: report.files.clone(),
                    object_refs: report.object_refs.clone(),
                    ..kubeha::Report::default()
                });
            }
        },
    );
    (fixed, first.into_inner().unwrap())
}

/// Copies `from` into `to`, recursively.
fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// `(rule, kind, namespace, name, path)`: a finding's identity, which survives edits.
type Identity = (String, String, String, String, String);

fn identities(report: &kubeha::Report) -> BTreeMap<Identity, usize> {
    let mut out = BTreeMap::new();
    for f in &report.findings {
        let (kind, ns, name) = report.object(f).map_or_else(Default::default, |o| {
            (
                o.kind.clone(),
                o.namespace.clone().unwrap_or_default(),
                o.name.clone(),
            )
        });
        let path = f.path.as_ref().map(ToString::to_string).unwrap_or_default();
        let key = (f.rule.to_owned(), kind, ns, name, path);
        *out.entry(key).or_insert(0) += 1;
    }
    out
}

/// A document's `(kind, namespace, name)`.
fn doc_identity(doc: &Value) -> (String, String, String) {
    let s = |v: Option<&Value>| v.and_then(Value::as_str).unwrap_or("").to_owned();
    (
        s(doc.get("kind")),
        s(doc.pointer("/metadata/namespace")),
        s(doc.pointer("/metadata/name")),
    )
}

fn documents(text: &str) -> Vec<Value> {
    let lines = kubeha::source::LineIndex::new(text);
    let loaded = kubeha::source::load_str(text, &lines, &kubeha::source::Limits::default());
    loaded.documents.into_iter().map(|d| d.root).collect()
}

/// Rules that apply from two replicas on: raising a workload's replicas (the unsafe
/// `single-replica` and `hpa-min-replicas` fixes) rightly brings their findings to it.
const REPLICA_GATED: &[&str] = &[
    "missing-pdb",
    "missing-pod-spread",
    "missing-zone-spread",
    "missing-graceful-shutdown",
    "rollout-needs-spare-node",
    "unsafe-rollout-strategy",
    "rwo-volume-shared",
    "pdb-blocks-eviction",
    "ineffective-spread",
];

#[test]
fn corpus_round_trip_fixes_everything_and_keeps_the_rest() {
    let copy = Path::new(env!("CARGO_TARGET_TMPDIR")).join("fix-round-trip");
    let _ = std::fs::remove_dir_all(&copy);
    copy_dir(&crate::corpus_dir(), &copy);
    let config = Config::default();
    let mut projects: Vec<PathBuf> = std::fs::read_dir(&copy)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    projects.sort();
    let mut total = 0;
    let mut problems = Vec::new();
    for project in &projects {
        let name = project.file_name().unwrap().to_string_lossy().into_owned();
        let input = [Input::Path(project.clone())];
        // The first round's report is the plain lint of the project.
        let (fixed, before) = fix_noting_first(&input, &config);
        total += fixed.fixed;
        for c in &fixed.changed {
            std::fs::write(&c.original.name, &c.text).unwrap();
        }
        // (b) Fixing again, from the written files, changes nothing; its lint is the "after".
        let (again, after_report) = fix_noting_first(&input, &config);
        if !again.changed.is_empty() {
            problems.push(format!(
                "{name}: a second --fix changed {} files",
                again.changed.len()
            ));
        }
        let before = identities(&before);
        let after = identities(&after_report);
        // (a) Nothing fixable is left, what was fixed is gone, and nothing new appears.
        for f in after_report.findings.iter().filter(|f| f.fix.is_some()) {
            problems.push(format!("{name}: still fixable: {} {}", f.rule, f.message));
        }
        for a in &fixed.applied {
            let gone = !after.keys().any(|(rule, kind, ns, n, path)| {
                rule == a.rule
                    && a.object.as_ref().is_some_and(|o| {
                        &o.kind == kind
                            && o.namespace.as_deref().unwrap_or("") == ns
                            && &o.name == n
                    })
                    && a.path.as_ref().map(ToString::to_string).unwrap_or_default() == *path
            });
            if !gone {
                problems.push(format!(
                    "{name}: `{}` did not clear its {}",
                    a.title, a.rule
                ));
            }
        }
        let raised: BTreeSet<kubeha::source::FileId> = fixed
            .applied
            .iter()
            .filter(|a| matches!(a.rule, "single-replica" | "hpa-min-replicas"))
            .map(|a| a.file)
            .collect();
        let raised_files: BTreeSet<&str> = raised
            .iter()
            .filter_map(|&i| fixed.report.files.get(i.index()).map(|f| f.name.as_str()))
            .collect();
        for (key, count) in &after {
            if before.get(key).copied().unwrap_or(0) >= *count {
                continue;
            }
            let f = after_report
                .findings
                .iter()
                .find(|f| {
                    f.rule == key.0 && after_report.object(f).is_some_and(|o| o.name == key.3)
                })
                .unwrap_or_else(|| panic!("{name}: {key:?} {count} vs {:?}", before.get(key)));
            let file = after_report.files[f.file.index()].name.as_str();
            if REPLICA_GATED.contains(&f.rule) && raised_files.contains(file) {
                continue;
            }
            problems.push(format!(
                "{name}: new finding: {file}: {} {}",
                f.rule, f.message
            ));
        }
        // (c) Every document the fixes did not touch reads the same; new ones are the PDBs.
        let touched: BTreeSet<(String, String, String)> = fixed
            .applied
            .iter()
            .filter_map(|a| a.object.as_ref())
            .map(|o| {
                (
                    o.kind.clone(),
                    o.namespace.clone().unwrap_or_default(),
                    o.name.clone(),
                )
            })
            .collect();
        for c in &fixed.changed {
            let before_docs = documents(&c.original.text);
            let mut after_docs = documents(&c.text);
            for doc in &before_docs {
                let id = doc_identity(doc);
                let is_touched = touched.contains(&id)
                    || doc
                        .get("items")
                        .and_then(Value::as_array)
                        .is_some_and(|items| {
                            items.iter().any(|i| touched.contains(&doc_identity(i)))
                        });
                let Some(at) = after_docs.iter().position(|d| {
                    if is_touched {
                        doc_identity(d) == id
                    } else {
                        d == doc
                    }
                }) else {
                    problems.push(format!(
                        "{name}: {}: document {id:?} changed or went missing",
                        c.original.name
                    ));
                    continue;
                };
                after_docs.remove(at);
            }
            for extra in after_docs {
                if extra.get("kind").and_then(Value::as_str) != Some("PodDisruptionBudget") {
                    problems.push(format!(
                        "{name}: {}: unexpected new document {:?}",
                        c.original.name,
                        doc_identity(&extra)
                    ));
                }
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    assert!(total > 100, "the corpus has many fixable findings: {total}");
}

fn kubeha(dir: &Path) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_kubeha"));
    cmd.current_dir(dir)
        .env("NO_COLOR", "1")
        .env_remove("COLUMNS");
    cmd
}

const FIXABLE_DOC: &str = "apiVersion: batch/v1beta1
kind: CronJob
metadata:
  name: nightly
  labels: {enabled: yes} # keep this comment
spec:
  schedule: '0 3 * * *'
  jobTemplate:
    spec:
      template:
        spec:
          restartPolicy: OnFailure
          containers: [{name: job, image: 'busybox:1.36'}]
";

#[test]
fn diff_prints_and_changes_nothing_and_fix_writes() {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("fix-cli");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("cron.yaml");
    std::fs::write(&file, FIXABLE_DOC).unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o600)).unwrap();
    }
    let out = kubeha(&dir)
        .args(["check", "cron.yaml", "--diff", "--no-config"])
        .output()
        .unwrap();
    let diff = String::from_utf8(out.stdout).unwrap();
    assert_eq!(out.status.code(), Some(1), "{diff}");
    assert_eq!(
        diff,
        "--- a/cron.yaml\n+++ b/cron.yaml\n@@ -1,8 +1,8 @@\n-apiVersion: batch/v1beta1\n+apiVersion: batch/v1\n kind: CronJob\n metadata:\n   name: nightly\n-  labels: {enabled: yes} # keep this comment\n+  labels: {enabled: \"yes\"} # keep this comment\n spec:\n   schedule: '0 3 * * *'\n   jobTemplate:\n"
    );
    assert_eq!(std::fs::read_to_string(&file).unwrap(), FIXABLE_DOC);

    let out = kubeha(&dir)
        .args(["check", "cron.yaml", "--fix", "--no-config"])
        .output()
        .unwrap();
    let report = String::from_utf8(out.stdout).unwrap();
    assert!(report.contains("2 fixed."), "{report}");
    let written = std::fs::read_to_string(&file).unwrap();
    assert!(written.starts_with("apiVersion: batch/v1\n"), "{written}");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        let mode = std::fs::metadata(&file).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600, "the file keeps its mode");
    }
    assert!(written.contains("{enabled: \"yes\"} # keep this comment"));
    // Nothing left to fix: --diff is empty and exits 0.
    let out = kubeha(&dir)
        .args(["check", "cron.yaml", "--diff", "--no-config"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(out.stdout.is_empty());
}

#[test]
fn fix_on_stdin_prints_the_fixed_text_and_reports_on_stderr() {
    let out = crate::cli::run_stdin(
        &["check", "-", "--fix", "--no-config", "--format", "concise"],
        FIXABLE_DOC,
    );
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.starts_with("apiVersion: batch/v1\nkind: CronJob\n"),
        "{text}"
    );
    assert!(text.contains("{enabled: \"yes\"}"));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(!err.contains("deprecated-api"), "{err}");
}

#[test]
fn unsafe_fixes_need_fix_or_diff() {
    let out = kubeha(crate::repo())
        .args(["check", "fixtures", "--unsafe-fixes"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn fix_writes_through_symlinks_and_never_writes_context_files() {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("fix-links");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("real")).unwrap();
    std::fs::write(dir.join("real/cron.yaml"), FIXABLE_DOC).unwrap();
    std::fs::write(
        dir.join("context.yaml"),
        FIXABLE_DOC.replace("nightly", "other"),
    )
    .unwrap();
    #[cfg(unix)]
    std::os::unix::fs::symlink("real/cron.yaml", dir.join("link.yaml")).unwrap();
    #[cfg(not(unix))]
    std::fs::copy(dir.join("real/cron.yaml"), dir.join("link.yaml")).unwrap();
    let out = kubeha(&dir)
        .args([
            "check",
            "link.yaml",
            "--context",
            "context.yaml",
            "--fix",
            "--no-config",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    #[cfg(unix)]
    {
        assert!(
            dir.join("link.yaml")
                .symlink_metadata()
                .unwrap()
                .file_type()
                .is_symlink()
        );
        let fixed = std::fs::read_to_string(dir.join("real/cron.yaml")).unwrap();
        assert!(fixed.starts_with("apiVersion: batch/v1\n"), "{fixed}");
    }
    let context = std::fs::read_to_string(dir.join("context.yaml")).unwrap();
    assert_eq!(context, FIXABLE_DOC.replace("nightly", "other"));
}
