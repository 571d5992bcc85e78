//! kubeha as a gate in a real repository (issue 11): the binary run on a scratch git tree the
//! way pre-commit and CI run it. Each test is a scenario that once blocked a good commit or
//! hid a real finding.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use serde_json::Value;

/// A scratch repository: its own `.git`, so config discovery and chart detection stop here.
fn repo(name: &str, files: &[(&str, &str)]) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("gate")
        .join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join(".git")).unwrap();
    for (path, text) in files {
        let path = dir.join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    dir
}

fn kubeha_in(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_kubeha"))
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env_remove("COLUMNS")
        .args(args)
        .output()
        .unwrap()
}

/// `kubeha check --format json --fail-on never ARGS` in `dir`.
fn check_json(dir: &Path, args: &[&str]) -> Output {
    let mut all = vec!["check", "--format", "json", "--fail-on", "never"];
    all.extend(args);
    kubeha_in(dir, &all)
}

fn code(o: &Output) -> i32 {
    o.status.code().unwrap()
}

fn out(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).unwrap()
}

fn err(o: &Output) -> String {
    String::from_utf8(o.stderr.clone()).unwrap()
}

fn json(o: &Output) -> Value {
    serde_json::from_slice(&o.stdout).unwrap_or_else(|e| panic!("{e}: {}{}", out(o), err(o)))
}

/// `(item[a], item[b])` of every item of a JSON list.
fn pairs(list: &Value, a: &str, b: &str) -> Vec<(String, String)> {
    list.as_array()
        .unwrap()
        .iter()
        .map(|x| {
            (
                x[a].as_str().unwrap().to_owned(),
                x[b].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

/// `(file, rule)` of every finding in a JSON report.
fn findings(v: &Value) -> Vec<(String, String)> {
    pairs(&v["findings"], "file", "rule")
}

fn rules_of(v: &Value) -> Vec<String> {
    findings(v).into_iter().map(|(_, r)| r).collect()
}

const WEB: &str = "apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  replicas: 3
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
        - name: web
          image: nginx:1.27
          ports: [{containerPort: 80}]
";

const PDB: &str = "apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: {name: web, namespace: shop}
spec:
  minAvailable: 3
  selector: {matchLabels: {app: web}}
";

#[test]
fn a_staged_file_inside_the_context_is_loaded_once() {
    let dir = repo("identity", &[("k8s/web.yaml", WEB), ("k8s/pdb.yaml", PDB)]);
    // pre-commit's call: the staged files, and the whole repository as context.
    for staged in [
        &["k8s/pdb.yaml", "k8s/web.yaml"][..],
        &["./k8s/pdb.yaml", "k8s/../k8s/web.yaml"],
    ] {
        let mut args = vec!["check", "--format", "json", "--context", "."];
        args.extend(staged);
        let o = kubeha_in(&dir, &args);
        let v = json(&o);
        let rules = rules_of(&v);
        assert!(!rules.contains(&"pdb-overlap".to_owned()), "{rules:?}");
        assert!(
            findings(&v).contains(&("k8s/pdb.yaml".to_owned(), "pdb-blocks-eviction".to_owned())),
            "the real PDB finding is kept: {rules:?}"
        );
        assert_eq!(v["summary"]["files"], 2);
        assert_eq!(code(&o), 1);
    }
    // An absolute path and the context's `./` walk name the same file, shown relative.
    let abs = dir.join("k8s/pdb.yaml");
    let o = kubeha_in(
        &dir,
        &[
            "check",
            "--format",
            "concise",
            "--context",
            "./",
            abs.to_str().unwrap(),
        ],
    );
    assert_eq!(
        out(&o),
        "k8s/pdb.yaml:5:3: error[pdb-blocks-eviction] PodDisruptionBudget `web` allows no disruption: minAvailable 3 of 3 pods selected\n"
    );
}

#[test]
fn non_manifests_in_a_walk_are_skipped_and_counted() {
    let dir = repo(
        "non-manifests",
        &[
            ("k8s/web.yaml", WEB),
            (
                "k8s/pdb.yaml",
                PDB.replace("minAvailable: 3", "maxUnavailable: 1").as_str(),
            ),
            (
                "chart/Chart.yaml",
                "apiVersion: v2\nname: web\nversion: 0.1.0\n",
            ),
            ("chart/values.yaml", "replicaCount: 1\n"),
            (
                "chart/templates/deploy.yaml",
                "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {{ .Release.Name }}\n",
            ),
            ("base/kustomization.yaml", "resources: [../k8s/web.yaml]\n"),
            ("docker-compose.yml", "services:\n  web: {image: nginx}\n"),
            (".github/workflows/ci.yml", "on: push\njobs: {}\n"),
            (".pre-commit-config.yaml", "repos: []\n"),
            ("config/app-settings.yaml", "log: debug\nport: 8080\n"),
        ],
    );
    let o = kubeha_in(&dir, &["check", "--format", "json", "--fail-on", "error"]);
    let v = json(&o);
    let rules = rules_of(&v);
    assert!(
        !rules.iter().any(|r| r.starts_with("invalid-")),
        "{rules:?}"
    );
    assert_eq!(code(&o), 0, "{}", err(&o));
    assert_eq!(v["summary"]["files"], 2);
    let skipped = pairs(&v["skipped"], "file", "reason");
    for want in [
        ("chart/", "helm-chart"),
        ("base/kustomization.yaml", "kustomization"),
        ("docker-compose.yml", "compose"),
        ("config/app-settings.yaml", "not-a-manifest"),
    ] {
        assert!(
            skipped.contains(&(want.0.to_owned(), want.1.to_owned())),
            "{want:?} in {skipped:?}"
        );
    }
    // The human summary says so, with the Helm hint.
    let o = kubeha_in(&dir, &["check", "--fail-on", "error"]);
    let text = out(&o);
    assert!(
        text.contains("Skipped 3 files that are not Kubernetes manifests (1 compose, 1 kustomization, 1 not-a-manifest)."),
        "{text}"
    );
    assert!(
        text.contains("Skipped Helm chart sources chart/: lint the rendered chart with `helm template chart | kubeha check -`."),
        "{text}"
    );
    // Named explicitly, a non-manifest stays an error; a well-known one is still skipped.
    let o = kubeha_in(
        &dir,
        &["check", "--format", "concise", "config/app-settings.yaml"],
    );
    assert!(out(&o).contains("error[invalid-object]"), "{}", out(&o));
    let o = kubeha_in(
        &dir,
        &[
            "check",
            "--format",
            "json",
            ".pre-commit-config.yaml",
            "chart/values.yaml",
            "k8s/web.yaml",
        ],
    );
    assert!(
        !rules_of(&json(&o))
            .iter()
            .any(|r| r.starts_with("invalid-"))
    );
}

#[test]
fn exclude_globs_from_the_command_line_and_the_config() {
    let broken = "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: old\n";
    let dir = repo(
        "exclude",
        &[
            ("k8s/web.yaml", WEB),
            ("vendor/chart.yaml", broken),
            ("legacy/old.yaml", broken),
            (".kubeha.yaml", "exclude: [\"./vendor/**\"]\n"),
        ],
    );
    let o = kubeha_in(
        &dir,
        &[
            "check",
            "--format",
            "json",
            "--fail-on",
            "error",
            "--exclude",
            "legacy",
        ],
    );
    assert_eq!(code(&o), 0, "{}", out(&o));
    assert_eq!(json(&o)["summary"]["files"], 1);
    // From a subdirectory, the config's glob still means `<repo>/vendor/**`.
    let o = kubeha_in(
        &dir.join("k8s"),
        &[
            "check",
            "--format",
            "json",
            "--fail-on",
            "error",
            "..",
            "--exclude",
            "../legacy/*",
        ],
    );
    assert_eq!(code(&o), 0, "{}", out(&o));
    let o = kubeha_in(
        &dir,
        &[
            "check",
            "--config",
            "/dev/null",
            "--format",
            "concise",
            "--exclude",
            "legacy",
        ],
    );
    assert!(out(&o).contains("vendor/chart.yaml"), "{}", out(&o));
}

const SVC: &str = "apiVersion: v1
kind: Service
metadata: {name: api, namespace: NS}
spec:
  selector: {app: api}
  ports: [{port: 80}]
";

#[test]
fn a_broken_file_narrows_cross_object_rules_and_says_so() {
    let broken = "# kubeha: ignore-file[invalid-yaml] work in progress\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\n  namespace: backend\nspec: [unclosed\n";
    let dir = repo(
        "narrow",
        &[
            ("k8s/shop.yaml", &SVC.replace("NS", "shop")),
            ("k8s/backend.yaml", &SVC.replace("NS", "backend")),
            ("k8s/wip.yaml", broken),
        ],
    );
    let o = kubeha_in(
        &dir,
        &[
            "check",
            "--format",
            "json",
            "--select",
            "service-selects-nothing",
        ],
    );
    let v = json(&o);
    // The Service in `shop` selects nothing whatever the broken file holds: still reported.
    assert_eq!(
        findings(&v),
        vec![(
            "k8s/shop.yaml".to_owned(),
            "service-selects-nothing".to_owned()
        )],
        "{v}"
    );
    // The suppressed broken file still narrows `backend`, and the report says so.
    let incomplete = v["incomplete"].as_array().unwrap();
    assert_eq!(incomplete.len(), 1, "{v}");
    assert_eq!(incomplete[0]["file"], "k8s/wip.yaml");
    assert_eq!(incomplete[0]["reason"], "could not be parsed");
    assert_eq!(
        incomplete[0]["namespaces"],
        serde_json::json!(["default", "backend"])
    );
    assert_eq!(
        incomplete[0]["rules"],
        serde_json::json!(["service-selects-nothing"])
    );
    let o = kubeha_in(&dir, &["check", "--select", "service-selects-nothing"]);
    assert!(
        out(&o).contains("Not checked: service-selects-nothing in namespaces `default`, `backend`: k8s/wip.yaml:8 could not be parsed"),
        "{}",
        out(&o)
    );
    let o = kubeha_in(
        &dir,
        &[
            "check",
            "--format",
            "sarif",
            "--select",
            "service-selects-nothing",
        ],
    );
    let sarif = json(&o);
    let notes = &sarif["runs"][0]["invocations"][0]["toolExecutionNotifications"];
    assert!(
        notes[0]["message"]["text"]
            .as_str()
            .unwrap()
            .contains("service-selects-nothing in namespaces `default`, `backend`"),
        "{notes}"
    );
    // A templated namespace cannot be told: every namespace is switched off.
    std::fs::write(
        dir.join("k8s/wip.yaml"),
        "kind: Deployment\nmetadata:\n  namespace: {{ .Values.ns }}\nspec: [\n",
    )
    .unwrap();
    let v = json(&kubeha_in(
        &dir,
        &[
            "check",
            "--format",
            "json",
            "--select",
            "service-selects-nothing",
        ],
    ));
    assert_eq!(
        findings(&v),
        vec![("k8s/wip.yaml".to_owned(), "invalid-yaml".to_owned())]
    );
    assert_eq!(v["incomplete"][0]["namespaces"], Value::Null);
}

#[test]
fn ignore_paths_are_relative_to_the_config_file() {
    let dir = repo(
        "globs",
        &[
            (
                ".kubeha.yaml",
                "ignore:\n  - path: \"vendor/**\"\n    reason: vendored upstream chart\n",
            ),
            ("vendor/up/deploy.yaml", WEB),
            ("k8s/web.yaml", WEB),
        ],
    );
    let abs = dir.join("vendor");
    for (cwd, path) in [
        (dir.clone(), "."),
        (dir.clone(), "./vendor"),
        (dir.clone(), abs.to_str().unwrap()),
        (dir.join("vendor"), "."),
        (dir.join("k8s"), "../vendor/up/deploy.yaml"),
    ] {
        let o = check_json(&cwd, &[path]);
        let v = json(&o);
        assert!(
            findings(&v).iter().all(|(f, _)| !f.contains("vendor")),
            "{path} from {}: {:?}",
            cwd.display(),
            findings(&v)
        );
    }
}

#[test]
fn config_is_found_from_the_linted_path_up_to_the_repository_root() {
    let dir = repo(
        "discovery",
        &[
            ("team/.kubeha.yaml", "rules: {single-replica: off}\n"),
            ("team/app.yaml", &WEB.replace("replicas: 3", "replicas: 1")),
        ],
    );
    // Run from the repository root: the config beside the file applies.
    let o = check_json(&dir, &["team/app.yaml"]);
    assert!(!rules_of(&json(&o)).contains(&"single-replica".to_owned()));
    // A config above the repository root is not this repository's.
    let outer = dir.parent().unwrap().join("discovery-outer");
    let _ = std::fs::remove_dir_all(&outer);
    std::fs::create_dir_all(outer.join("inner/.git")).unwrap();
    std::fs::write(outer.join(".kubeha.yaml"), "rules: {single-replica: off}\n").unwrap();
    std::fs::write(
        outer.join("inner/app.yaml"),
        WEB.replace("replicas: 3", "replicas: 1"),
    )
    .unwrap();
    let o = check_json(&outer.join("inner"), &[]);
    assert!(rules_of(&json(&o)).contains(&"single-replica".to_owned()));
}

#[test]
fn exit_codes_that_never_lie() {
    let dir = repo(
        "exits",
        &[
            ("k8s/web.yaml", &WEB.replace("replicas: 3", "replicas: 1")),
            ("empty/README.md", "x"),
        ],
    );
    // Zero files is an error, unless asked for.
    let o = kubeha_in(&dir, &["check", "empty"]);
    assert_eq!(code(&o), 2);
    assert!(
        err(&o).contains("no manifest to lint in `empty`"),
        "{}",
        err(&o)
    );
    assert_eq!(
        code(&kubeha_in(&dir, &["check", "--allow-empty", "empty"])),
        0
    );
    // `--stdin-filename` without `-` would read nothing.
    let o = kubeha_in(&dir, &["check", "--stdin-filename", "x.yaml", "k8s"]);
    assert_eq!(code(&o), 2);
    assert!(err(&o).contains("--stdin-filename"), "{}", err(&o));
    // A closed pipe: the output stops, the exit code is still the findings'.
    for format in ["human", "concise", "json", "sarif", "junit", "github"] {
        let mut child = Command::new(env!("CARGO_BIN_EXE_kubeha"))
            .current_dir(&dir)
            .args(["check", "--format", format, "k8s"])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        drop(child.stdout.take());
        let o = child.wait_with_output().unwrap();
        assert_eq!(code(&o), 1, "{format}: {}", err(&o));
        assert!(err(&o).is_empty(), "{format}: {}", err(&o));
    }
}

#[test]
fn ci_formats_carry_files_levels_and_errors() {
    let dir = repo(
        "ci-formats",
        &[
            (
                "my env/web #1.yaml",
                &WEB.replace("replicas: 3", "replicas: 1"),
            ),
            (
                "overlays/a/web.yaml",
                &WEB.replace("replicas: 3", "replicas: 1"),
            ),
            (
                "overlays/b/web.yaml",
                &WEB.replace("replicas: 3", "replicas: 1"),
            ),
        ],
    );
    let o = kubeha_in(
        &dir,
        &[
            "check",
            "--format",
            "sarif",
            "--select",
            "single-replica",
            ".",
            "missing.yaml",
        ],
    );
    assert_eq!(code(&o), 2);
    let v = json(&o);
    let run = &v["runs"][0];
    let uris: Vec<&str> = run["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
                .as_str()
                .unwrap()
        })
        .collect();
    assert!(uris.contains(&"my%20env/web%20%231.yaml"), "{uris:?}");
    let prints: std::collections::HashSet<&str> = run["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["partialFingerprints"]["kubeha/v2"].as_str().unwrap())
        .collect();
    assert_eq!(
        prints.len(),
        3,
        "one object in two environments is two alerts"
    );
    let notes = &run["invocations"][0];
    assert_eq!(notes["executionSuccessful"], false);
    assert!(
        notes["toolExecutionNotifications"][0]["message"]["text"]
            .as_str()
            .unwrap()
            .starts_with("missing.yaml: ")
    );
    let o = kubeha_in(&dir, &["check", "--format", "json", ".", "missing.yaml"]);
    assert_eq!(json(&o)["errors"][0]["file"], "missing.yaml");
    // Stdin and absolute paths.
    let abs = dir.join("overlays/a/web.yaml");
    let o = kubeha_in(
        &dir.join("overlays/b"),
        &[
            "check",
            "--format",
            "sarif",
            "--no-config",
            "--select",
            "single-replica",
            abs.to_str().unwrap(),
        ],
    );
    let uri = json(&o)["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(
        uri.starts_with("file:///") && uri.ends_with("/overlays/a/web.yaml"),
        "{uri}"
    );
    // JUnit: file/line on the case; a warning under `--fail-on error` does not fail it.
    let o = kubeha_in(
        &dir,
        &[
            "check",
            "--format",
            "junit",
            "--fail-on",
            "error",
            "--select",
            "single-replica",
            "overlays/a",
        ],
    );
    let xml = out(&o);
    let doc = roxmltree::Document::parse(&xml).unwrap();
    let case = doc
        .descendants()
        .find(|n| n.has_tag_name("testcase") && n.attribute("name") == Some("single-replica"))
        .unwrap();
    assert_eq!(case.attribute("file"), Some("overlays/a/web.yaml"));
    assert_eq!(case.attribute("line"), Some("5"));
    assert!(case.children().all(|c| !c.has_tag_name("failure")), "{xml}");
    assert!(xml.contains(r#"failures="0""#), "{xml}");
    assert_eq!(code(&o), 0);
    let o = kubeha_in(
        &dir,
        &[
            "check",
            "--format",
            "junit",
            "--select",
            "single-replica",
            "overlays/a",
        ],
    );
    assert!(out(&o).contains("<failure type=\"warning\""), "{}", out(&o));
    // GitLab Code Quality.
    let o = kubeha_in(
        &dir,
        &[
            "check",
            "--format",
            "gitlab",
            "--select",
            "single-replica",
            "overlays",
        ],
    );
    let v = json(&o);
    let issues = v.as_array().unwrap();
    assert_eq!(issues.len(), 2);
    assert_eq!(issues[0]["check_name"], "single-replica");
    assert_eq!(issues[0]["severity"], "major");
    assert_eq!(issues[0]["location"]["path"], "overlays/a/web.yaml");
    assert_eq!(issues[0]["location"]["lines"]["begin"], 5);
    assert_ne!(issues[0]["fingerprint"], issues[1]["fingerprint"]);
}

#[test]
fn suppressions_without_noise() {
    let annotated = "apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  annotations:
    ignore-check.kube-linter.io/no-read-only-root-fs: \"kube-linter's business\"
    polaris.fairwinds.com/cpuLimitsMissing-exempt: \"true\"
spec:
  replicas: 3
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: web, image: nginx:1.27}]}
";
    let context =
        "# kubeha: ignore[single-replica]\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n";
    let dir = repo(
        "suppress-noise",
        &[
            ("k8s/web.yaml", annotated),
            ("k8s/other.yaml", context),
            (
                ".kubeha.yaml",
                "ignore:\n  - path: \"legacy/**\"\n    reason: old\n",
            ),
        ],
    );
    // The config entry is not unused on a partial run (a named file, with context)...
    let o = kubeha_in(
        &dir,
        &[
            "check",
            "--format",
            "json",
            "--select",
            "unused-suppression,missing-cpu-limit",
            "--context",
            ".",
            "k8s/web.yaml",
        ],
    );
    assert_eq!(rules_of(&json(&o)), Vec::<String>::new(), "{}", out(&o));
    // ...nor are the peers' annotations, and the reasonless comment in a context file is
    // not this run's warning.
    assert!(!err(&o).contains("gives no reason"), "{}", err(&o));
    // On the whole tree, the config entry that matched nothing is unused.
    let o = kubeha_in(
        &dir,
        &[
            "check",
            "--format",
            "json",
            "--select",
            "unused-suppression,single-replica",
        ],
    );
    let f = findings(&json(&o));
    assert_eq!(
        f,
        vec![
            ("k8s/other.yaml".to_owned(), "unused-suppression".to_owned()),
            (".kubeha.yaml".to_owned(), "unused-suppression".to_owned())
        ],
        "{f:?}"
    );
}

#[test]
fn cli_comforts() {
    let dir = repo(
        "comforts",
        &[("k8s/web.yaml", &WEB.replace("replicas: 3", "replicas: 1"))],
    );
    let o = kubeha_in(&dir, &["explain", "Single_Replica"]);
    assert_eq!(code(&o), 0);
    assert!(out(&o).starts_with("# single-replica"));
    let o = kubeha_in(&dir, &["check", "--quiet", "-j", "1"]);
    assert_eq!(code(&o), 1);
    assert!(!out(&o).contains("Found"), "{}", out(&o));
    let colored = kubeha_in(&dir, &["check", "--color", "always"]);
    assert!(out(&colored).contains('\u{1b}'));
    let plain = Command::new(env!("CARGO_BIN_EXE_kubeha"))
        .current_dir(&dir)
        .env_remove("NO_COLOR")
        .env("FORCE_COLOR", "1")
        .args(["check"])
        .output()
        .unwrap();
    assert!(out(&plain).contains('\u{1b}'));
    assert!(!out(&kubeha_in(&dir, &["check", "--color", "never"])).contains('\u{1b}'));
}

#[test]
fn config_schema_accepts_the_readme_example_and_names_every_rule() {
    let dir = repo("schema", &[]);
    let o = kubeha_in(&dir, &["config-schema"]);
    assert_eq!(code(&o), 0);
    let schema = json(&o);
    let rules = schema["properties"]["rules"]["properties"]
        .as_object()
        .unwrap();
    assert!(rules.contains_key("single-replica") && rules.contains_key("missing-pdb"));
    let validator = jsonschema::validator_for(&schema).unwrap();
    let good = serde_json::json!({
        "default-namespace": "default",
        "kubernetes-version": "1.30",
        "exclude": ["vendor/**"],
        "ignore": [{ "path": "vendor/**", "reason": "upstream chart" }],
        "rules": { "single-replica": { "severity": "error", "min-replicas": 3 }, "missing-liveness-probe": "off" },
    });
    assert!(validator.is_valid(&good));
    assert!(!validator.is_valid(&serde_json::json!({ "rulez": {} })));
    assert!(
        !validator
            .is_valid(&serde_json::json!({ "rules": { "single-replica": { "min-replica": 3 } } }))
    );
}

/// `WEB` as Deployment `name` with one replica, in namespace `shop`.
fn one_replica(name: &str) -> String {
    WEB.replace("replicas: 3", "replicas: 1")
        .replace("web", name)
}

#[test]
fn each_file_is_linted_with_its_nearest_config() {
    // Two environments: the repository's config switches `single-replica` off; production's
    // own config makes it an error, gives a default namespace, excludes its generated files
    // and has an `ignore:` entry that matches nothing.
    let dir = repo(
        "per-file-config",
        &[
            (".kubeha.yaml", "rules: {single-replica: off}\n"),
            ("base/api.yaml", &one_replica("api")),
            (
                "envs/prod/.kubeha.yaml",
                "default-namespace: shop\nexclude: [generated]\nrules: {single-replica: error}\nignore:\n  - {path: gone.yaml, reason: removed last quarter}\n",
            ),
            ("envs/prod/web.yaml", &one_replica("web")),
            ("envs/prod/generated/gen.yaml", &one_replica("gen")),
            // No namespace: production's default (`shop`), where `base/api.yaml` runs `api`.
            (
                "envs/prod/svc.yaml",
                "apiVersion: v1\nkind: Service\nmetadata: {name: api}\nspec:\n  selector: {app: api}\n  ports: [{port: 80, targetPort: 80}]\n",
            ),
        ],
    );
    let of = |v: &Value, rule: &str| -> Vec<String> {
        findings(v)
            .into_iter()
            .filter(|(_, r)| r == rule)
            .map(|(f, _)| f)
            .collect()
    };
    // CI: the whole repository.
    let o = check_json(&dir, &[]);
    assert_eq!(code(&o), 0, "{}", err(&o));
    let v = json(&o);
    assert_eq!(of(&v, "single-replica"), ["envs/prod/web.yaml"]);
    assert_eq!(
        of(&v, "unused-suppression"),
        ["envs/prod/.kubeha.yaml"],
        "production's unused entry points into production's config"
    );
    // The Service in production's default namespace finds the Deployment the other config governs.
    assert!(of(&v, "service-selects-nothing").is_empty(), "{v}");
    assert!(
        findings(&v).iter().all(|(f, _)| !f.contains("generated")),
        "{v}"
    );
    assert!(err(&o).is_empty(), "no warning: {}", err(&o));

    // pre-commit: the staged files, the repository as context; the same config per file, and
    // the generated file named explicitly is still excluded by production's config.
    let o = check_json(
        &dir,
        &[
            "--context",
            ".",
            "envs/prod/generated/gen.yaml",
            "base/api.yaml",
            "envs/prod/web.yaml",
        ],
    );
    let v = json(&o);
    assert_eq!(of(&v, "single-replica"), ["envs/prod/web.yaml"]);
    assert!(of(&v, "unused-suppression").is_empty(), "partial run: {v}");
    assert_eq!(
        pairs(&v["skipped"], "file", "reason"),
        [(
            "envs/prod/generated/gen.yaml".to_owned(),
            "excluded".to_owned()
        )]
    );

    // `--config` governs every file.
    let o = check_json(&dir, &["--config", ".kubeha.yaml"]);
    let v = json(&o);
    assert!(of(&v, "single-replica").is_empty(), "{v}");
    assert_eq!(of(&v, "service-selects-nothing"), ["envs/prod/svc.yaml"]);
}

#[test]
fn a_broken_nested_config_stops_the_run_with_its_location() {
    let dir = repo(
        "per-file-config-broken",
        &[
            ("base/web.yaml", WEB),
            ("envs/dev/.kubeha.yaml", "rules:\n  single-replcia: off\n"),
            ("envs/dev/web.yaml", WEB),
        ],
    );
    let o = kubeha_in(&dir, &["check"]);
    assert_eq!(code(&o), 2, "{}", out(&o));
    let e = err(&o);
    assert!(
        e.contains("unknown rule `single-replcia`") && e.contains("envs/dev/.kubeha.yaml"),
        "{e}"
    );
    assert!(e.contains("single-replica"), "did you mean: {e}");
}
