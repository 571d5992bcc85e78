//! The load stage: a file's bytes → its text → YAML documents → objects (`kind: List`
//! items, typed by decoding, ambiguous scalars read on past, CRD schemas dropped), with
//! everything that went wrong on the way recorded as [`LoadProblems`] for the manifest rules.
//!
//! A [`Workspace`] holds every loaded file of a run. The CLI loads one and lints it once; the
//! language server keeps one and replaces the file that changed ([`Workspace::replace`]).

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::AtomicUsize;

use rayon::prelude::*;
use serde_json::Value;

use crate::config::Config;
use crate::configs::ConfigSet;
use crate::discover::{InputError, InputFile, Inputs, ReadError, SkipReason, Skipped};
use crate::finding::ObjectRef;
use crate::index::BrokenObject;
use crate::model::{self, FieldPath, Object, Typed, resolve};
pub use crate::problems::{DuplicateInFile, InvalidObject, LoadProblems};
use crate::source::{self, Document, FileId, LoadError, Role, SourceFile, Span, load_str_in_run};

/// Every loaded file of a run: what the rules run over.
#[derive(Debug, Default)]
pub struct Workspace {
    pub files: Vec<Arc<SourceFile>>,
    /// In file order.
    pub objects: Vec<Object>,
    pub problems: LoadProblems,
    /// `(file, document)` → the template it was rendered from (`# Source:` comments).
    pub origins: HashMap<(FileId, usize), String>,
    /// Per file: where its `# kubeha:` comments are.
    pub comments: Vec<Vec<u32>>,
    /// Per file: how many documents it has.
    pub documents: Vec<usize>,
    /// Paths that could not be read (exit code 2).
    pub input_errors: Vec<InputError>,
    /// Files (and Helm chart directories) not linted because they are not manifests.
    pub skipped: Vec<Skipped>,
    /// Only part of the tree is reported on (named files, stdin, `--context`).
    pub partial: bool,
}

impl Workspace {
    /// Loads every file of `inputs`, in parallel (in the caller's thread pool).
    pub fn load(inputs: Inputs, config: &Config) -> Self {
        Self::load_with(inputs, &|_| config)
    }

    /// [`Workspace::load`], each file with the config that governs it (its default namespace
    /// and limits).
    pub fn load_set(inputs: Inputs, configs: &ConfigSet) -> Self {
        Self::load_with(inputs, &|file| configs.of(file))
    }

    fn load_with<'c>(inputs: Inputs, config_of: &(dyn Fn(FileId) -> &'c Config + Sync)) -> Self {
        let Inputs {
            files,
            errors,
            skipped,
            partial,
        } = inputs;
        let mut ws = Workspace {
            input_errors: errors,
            skipped,
            partial,
            ..Workspace::default()
        };
        // What aliases copied in all files, against `max-run-alias-bytes`.
        let aliases = AtomicUsize::new(0);
        let loaded = largest_first(files, |i, input| {
            let file = FileId::new(i);
            load_file(file, &input, config_of(file), &aliases)
        });
        for (i, file) in loaded.into_iter().enumerate() {
            if file.source.role == Role::NotManifest {
                ws.skipped.push(Skipped {
                    path: file.source.name.clone(),
                    reason: SkipReason::NotManifest,
                });
            }
            ws.files.push(file.source);
            ws.comments.push(file.directives);
            ws.documents.push(file.documents);
            ws.origins.extend(
                file.origins
                    .into_iter()
                    .map(|(doc, name)| ((FileId::new(i), doc), name)),
            );
            ws.objects.extend(file.objects);
            ws.problems.extend(file.problems);
            ws.input_errors.extend(file.error);
        }
        ws.number_objects(0);
        ws
    }

    /// Gives the objects from `from` on their ids: their places in the list.
    fn number_objects(&mut self, from: usize) {
        for (i, o) in self.objects.iter_mut().enumerate().skip(from) {
            o.id = model::ObjectId::new(i);
        }
    }

    /// Loads `input` again as file `file` (an edited buffer, a file changed on disk), in place
    /// of what that file held: the other files' objects are kept as they are.
    pub fn replace(&mut self, file: FileId, input: &InputFile, config: &Config) {
        let Some(slot) = self.files.get_mut(file.index()) else {
            return;
        };
        let loaded = load_file(file, input, config, &AtomicUsize::new(0));
        *slot = loaded.source;
        if let Some(c) = self.comments.get_mut(file.index()) {
            *c = loaded.directives;
        }
        if let Some(d) = self.documents.get_mut(file.index()) {
            *d = loaded.documents;
        }
        self.origins.retain(|(f, _), _| *f != file);
        self.origins.extend(
            loaded
                .origins
                .into_iter()
                .map(|(doc, name)| ((file, doc), name)),
        );
        let start = self.objects.partition_point(|o| o.file < file);
        let end = self.objects.partition_point(|o| o.file <= file);
        self.objects.splice(start..end, loaded.objects);
        self.number_objects(start);
        self.problems.remove_file(file);
        self.problems.extend(loaded.problems);
        let name = &input.name;
        self.input_errors.retain(|e| &e.path != name);
        self.input_errors.extend(loaded.error);
    }

    /// Adds a file at the end (a file created in the editor's workspace); returns its number.
    pub fn push(&mut self, input: &InputFile, config: &Config) -> FileId {
        let file = FileId::new(self.files.len());
        self.files
            .push(SourceFile::new(input.name.clone(), String::new()));
        self.comments.push(Vec::new());
        self.documents.push(0);
        self.replace(file, input, config);
        file
    }

    /// Documents in all files.
    pub fn document_count(&self) -> usize {
        self.documents.iter().sum()
    }
}

/// One file, loaded.
struct LoadedFile {
    source: Arc<SourceFile>,
    /// `(document, template path)` from `# Source:` comments.
    origins: Vec<(usize, String)>,
    objects: Vec<Object>,
    problems: LoadProblems,
    documents: usize,
    error: Option<InputError>,
    /// Where its `# kubeha:` comments are.
    directives: Vec<u32>,
}

impl LoadedFile {
    fn empty(source: Arc<SourceFile>, problems: LoadProblems, documents: usize) -> Self {
        LoadedFile {
            source,
            origins: Vec::new(),
            objects: Vec::new(),
            problems,
            documents,
            error: None,
            directives: Vec::new(),
        }
    }
}

/// A walked file none of whose documents is an object (values, CI, tool configs) is not a
/// manifest: skipped, not an error. A file named explicitly stays strict.
fn is_not_manifest(input: &InputFile, loaded: &source::LoadedFile) -> bool {
    input.walked
        && loaded.errors.is_empty()
        && !loaded.documents.is_empty()
        && !loaded.documents.iter().any(|d| {
            str_at(&d.root, "apiVersion").is_some_and(|v| !v.is_empty())
                && str_at(&d.root, "kind").is_some_and(|v| !v.is_empty())
        })
}

/// Runs `work` on each file, largest first, and returns the results in file order. A few
/// files (the 2 MB argo-cd installs, a 1 MB dashboard document) are most of the work: started
/// last, one of them would run alone on one core at the end of the run.
fn largest_first<T: Send>(
    files: Vec<InputFile>,
    work: impl Fn(usize, InputFile) -> T + Sync,
) -> Vec<T> {
    let mut files: Vec<(usize, InputFile)> = files.into_iter().enumerate().collect();
    files.sort_by_key(|(_, f)| std::cmp::Reverse(f.content.as_ref().map_or(0, Vec::len)));
    let mut done: Vec<(usize, T)> = files
        .into_par_iter()
        .with_max_len(1)
        .map(|(i, input)| (i, work(i, input)))
        .collect();
    done.sort_unstable_by_key(|(i, _)| *i);
    done.into_iter().map(|(_, t)| t).collect()
}

/// The parse floor, for benchmarks: the same files with the same parallelism as a run, only
/// run through saphyr-parser. Returns `(files, events)`.
pub fn parse_floor(inputs: Inputs) -> (usize, usize) {
    let count = inputs.files.len();
    let events = largest_first(inputs.files, |_, input| {
        let Ok(bytes) = input.content else {
            return 0;
        };
        let text = String::from_utf8_lossy(&bytes);
        source::count_events(&text, &source::LineIndex::new(&text))
    })
    .into_iter()
    .sum();
    (count, events)
}

/// Loads one file: decode UTF-8, parse, skip a walked non-manifest, build objects.
fn load_file(
    file: FileId,
    input: &InputFile,
    config: &Config,
    run_aliases: &AtomicUsize,
) -> LoadedFile {
    let name = input.name.clone();
    let mut problems = LoadProblems::default();
    let bytes = match &input.content {
        Ok(bytes) => bytes.clone(),
        Err(e @ ReadError::TooLarge { .. }) => {
            problems.yaml.push((
                file,
                LoadError {
                    span: Span::empty(0),
                    message: e.to_string(),
                    document: 0,
                },
            ));
            let source = SourceFile::with_role(name, String::new(), false, input.role);
            return LoadedFile::empty(source, problems, 0);
        }
        Err(e @ ReadError::Io(_)) => {
            let source = SourceFile::with_role(name.clone(), String::new(), false, input.role);
            let mut loaded = LoadedFile::empty(source, problems, 0);
            loaded.error = Some(InputError {
                path: name,
                message: e.to_string(),
            });
            return loaded;
        }
    };
    let text = match String::from_utf8(bytes) {
        Ok(text) => text,
        Err(e) => {
            let at = e.utf8_error().valid_up_to();
            let byte = e.as_bytes().get(at).copied().unwrap_or(0);
            let text = String::from_utf8_lossy(e.as_bytes()).into_owned();
            problems.yaml.push((
                file,
                LoadError {
                    span: Span::new(at as u32, at as u32 + 1),
                    message: format!(
                        "file is not valid UTF-8 (byte 0x{byte:02X} at offset {at}); Kubernetes manifests must be UTF-8"
                    ),
                    document: 0,
                },
            ));
            let source = SourceFile::with_role(name, text, false, input.role);
            return LoadedFile::empty(source, problems, 1);
        }
    };
    let mut source = SourceFile::with_role(name, text, input.stdin, input.role);
    let loaded = load_str_in_run(
        &source.text,
        &source.lines,
        &config.limits,
        run_aliases,
        model::unread_subtree,
    );
    if is_not_manifest(input, &loaded) {
        if let Some(s) = Arc::get_mut(&mut source) {
            s.role = Role::NotManifest;
        }
        return LoadedFile::empty(source, problems, 0);
    }
    let documents = loaded.documents.len() + loaded.errors.len();
    problems
        .yaml
        .extend(loaded.errors.into_iter().map(|e| (file, e)));
    let origins = loaded
        .documents
        .iter()
        .filter_map(|d| Some((d.index, d.source_name.clone()?)))
        .collect();
    let objects = objects_of_file(file, loaded.documents, &source.text, config, &mut problems);
    LoadedFile {
        source,
        origins,
        objects,
        problems,
        documents,
        error: None,
        directives: loaded.directives,
    }
}

/// The objects of a file's documents.
fn objects_of_file(
    file: FileId,
    documents: Vec<source::Document>,
    text: &str,
    config: &Config,
    problems: &mut LoadProblems,
) -> Vec<Object> {
    let mut objects = Vec::new();
    if text.len() < source::PARALLEL_BYTES {
        for doc in documents {
            objects_of(file, doc, text, config, &mut objects, problems);
        }
        return objects;
    }
    // A large file's chunks were parsed in parallel: decode its objects in parallel too, or
    // this file's decoding becomes a serial tail.
    let parts: Vec<(Vec<Object>, LoadProblems)> = documents
        .into_par_iter()
        .map(|doc| {
            let mut objects = Vec::new();
            let mut problems = LoadProblems::default();
            objects_of(file, doc, text, config, &mut objects, &mut problems);
            (objects, problems)
        })
        .collect();
    for (part, part_problems) in parts {
        objects.extend(part);
        problems.extend(part_problems);
    }
    objects
}

fn str_at<'v>(v: &'v Value, key: &str) -> Option<&'v str> {
    v.get(key).and_then(Value::as_str)
}

/// Turns a document into objects: one, or the items of a `kind: List`.
fn objects_of(
    file: FileId,
    doc: Document,
    text: &str,
    config: &Config,
    out: &mut Vec<Object>,
    problems: &mut LoadProblems,
) {
    let document = doc.index;
    let is_list = str_at(&doc.root, "kind").is_some_and(|k| k.ends_with("List"))
        && doc.root.get("items").is_some_and(Value::is_array);
    let list_ref = is_list.then(|| ObjectRef {
        api_version: str_at(&doc.root, "apiVersion").unwrap_or("").to_owned(),
        kind: str_at(&doc.root, "kind").unwrap_or("").to_owned(),
        namespace: None,
        name: String::new(),
        document,
    });
    let mut items = Vec::new();
    if is_list {
        let Document {
            mut root,
            mut spans,
            ..
        } = doc;
        let item_spans = root
            .as_object()
            .and_then(|m| m.keys().position(|k| k == "items"))
            .and_then(|i| spans.children.get_mut(i))
            .map(|n| std::mem::take(&mut n.children))
            .unwrap_or_default();
        let values = match root.get_mut("items").map(Value::take) {
            Some(Value::Array(values)) => values,
            _ => Vec::new(),
        };
        items.extend(values.into_iter().zip(item_spans));
        for dup in doc.duplicates {
            problems.duplicates.push(DuplicateInFile {
                file,
                object: list_ref.clone(),
                key: dup,
            });
        }
    } else {
        let duplicates = doc.duplicates;
        let object = object_ref_of(&doc.root, document);
        for dup in duplicates {
            problems.duplicates.push(DuplicateInFile {
                file,
                object: object.clone(),
                key: dup,
            });
        }
        items.push((doc.root, doc.spans));
    }
    for (raw, spans) in items {
        if let Some(object) = object_of(file, document, raw, spans, text, config, problems) {
            out.push(object);
        }
    }
}

fn object_ref_of(root: &Value, document: usize) -> Option<ObjectRef> {
    Some(ObjectRef {
        api_version: str_at(root, "apiVersion")?.to_owned(),
        kind: str_at(root, "kind")?.to_owned(),
        namespace: root
            .get("metadata")
            .and_then(|m| str_at(m, "namespace"))
            .map(str::to_owned),
        name: root
            .get("metadata")
            .and_then(|m| str_at(m, "name"))
            .unwrap_or("")
            .to_owned(),
        document,
    })
}

fn object_of(
    file: FileId,
    document: usize,
    raw: Value,
    spans: source::SpanNode,
    text: &str,
    config: &Config,
    problems: &mut LoadProblems,
) -> Option<Object> {
    let mut invalid = |path: &FieldPath, object: Option<ObjectRef>, message: String, help: &str| {
        problems.objects.push(InvalidObject {
            file,
            span: resolve(&raw, &spans, path, text).0,
            object,
            message,
            help: help.to_owned(),
        });
    };
    let Value::Object(map) = &raw else {
        let found = match &raw {
            Value::Array(_) => "a list".to_owned(),
            Value::String(s) => format!("the string `{}`", s.chars().take(40).collect::<String>()),
            other => format!("`{other}`"),
        };
        invalid(
            &FieldPath::root(),
            None,
            format!("document is not a Kubernetes object: found {found} instead of a mapping"),
            "A manifest document must be a mapping with `apiVersion`, `kind` and `metadata`",
        );
        return None;
    };
    let missing: Vec<&str> = ["apiVersion", "kind"]
        .into_iter()
        .filter(|k| {
            map.get(*k)
                .is_none_or(|v| v.as_str().is_none_or(str::is_empty))
        })
        .collect();
    if !missing.is_empty() {
        let list = missing
            .iter()
            .map(|k| format!("`{k}`"))
            .collect::<Vec<_>>()
            .join(" and ");
        invalid(
            &FieldPath::root(),
            None,
            format!("document has no {list} string"),
            "Every object needs `apiVersion` and `kind` (e.g. `apiVersion: apps/v1`, `kind: Deployment`)",
        );
        return None;
    }
    let api_version = str_at(&raw, "apiVersion").unwrap_or("").to_owned();
    let kind = str_at(&raw, "kind").unwrap_or("").to_owned();
    let object = object_ref_of(&raw, document);
    let explicit_namespace = object.as_ref().and_then(|o| o.namespace.clone());
    let namespace = explicit_namespace
        .clone()
        .unwrap_or_else(|| config.default_namespace.clone());
    let mut raw = raw;
    let decoded = decode_object(&mut raw, &spans, text, &api_version, &kind);
    let (typed, unknown_fields, ambiguous) = match decoded {
        Ok(ok) => ok,
        Err((ambiguous, e)) => {
            let shown = if e.path.0.is_empty() {
                String::new()
            } else {
                format!("`{}`: ", e.path)
            };
            problems.objects.push(InvalidObject {
                file,
                span: resolve(&raw, &spans, &e.path, text).0,
                object: object.clone(),
                message: format!("{kind} does not fit its schema: {shown}{}", e.message),
                help: "Fix the field's type or value: the API server rejects this object"
                    .to_owned(),
            });
            problems.broken.push(BrokenObject {
                namespace: namespace.clone(),
            });
            problems
                .broken_at
                .push((file, resolve(&raw, &spans, &FieldPath::root(), text).0));
            (Typed::Generic, Vec::new(), ambiguous)
        }
    };
    let mut spans = spans;
    if kind == "CustomResourceDefinition" {
        drop_subtree(&mut raw, &mut spans, "spec");
    }
    let name = object.map(|o| o.name).unwrap_or_default();
    Some(Object {
        id: model::ObjectId::new(0),
        file,
        document,
        api_version,
        kind,
        name,
        explicit_namespace,
        namespace,
        raw,
        spans,
        typed,
        unknown_fields,
        ambiguous,
    })
}

/// Frees a subtree no rule reads (a CRD's schemas): its key stays, for locations.
fn drop_subtree(raw: &mut Value, spans: &mut source::SpanNode, key: &str) {
    let Value::Object(map) = raw else { return };
    let Some(i) = map.keys().position(|k| k == key) else {
        return;
    };
    if let Some(v) = map.get_mut(key) {
        *v = Value::Null;
    }
    if let Some(node) = spans.children.get_mut(i) {
        node.children = Vec::new();
    }
}

type Decoded = (Typed, Vec<FieldPath>, Vec<FieldPath>);

/// Decodes an object, reading on past ambiguous scalars: `value: yes` where a string is
/// expected is what kubectl would send as a boolean and fail on. It is recorded for
/// `ambiguous-scalar` and replaced by its text, so the object stays usable for other rules.
fn decode_object(
    raw: &mut Value,
    spans: &source::SpanNode,
    text: &str,
    api_version: &str,
    kind: &str,
) -> Result<Decoded, (Vec<FieldPath>, model::DecodeError)> {
    let mut ambiguous: Vec<FieldPath> = Vec::new();
    loop {
        // Most ambiguous scalars are read as their text in this one decode; the loop only
        // coerces those it cannot see (a field that accepts any type but a non-string).
        let cap = MAX_COERCIONS.saturating_sub(ambiguous.len());
        let (typed, unknown, coerced) =
            model::decode_lenient(api_version, kind, raw, (spans, text), cap);
        for path in coerced {
            if let Some(node) = path.node(raw, spans)
                && let Some(slot) = path.get_mut(raw)
            {
                let written = text.get(node.value.start as usize..node.value.end as usize);
                *slot = Value::String(written.unwrap_or("").to_owned());
            }
            ambiguous.push(path);
        }
        let e = match typed {
            Ok(typed) => return Ok((typed, unknown, ambiguous)),
            Err(e) => e,
        };
        if ambiguous.len() < MAX_COERCIONS
            && e.message.contains("expected a string")
            && let Some(node) = e.path.node(raw, spans)
            && node.has_flag(source::flags::NON_STRING)
            && let Some(slot) = e.path.get_mut(raw)
        {
            let written = text.get(node.value.start as usize..node.value.end as usize);
            *slot = Value::String(written.unwrap_or("").to_owned());
            ambiguous.push(e.path);
            continue;
        }
        return Err((ambiguous, e));
    }
}

/// How many ambiguous scalars one object may have coerced before decoding gives up.
const MAX_COERCIONS: usize = 256;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::index::Index;

    fn objects(text: &str) -> Vec<Object> {
        let input = InputFile::in_memory("t.yaml", None, text.as_bytes().to_vec());
        let loaded = load_file(
            FileId::new(0),
            &input,
            &Config::default(),
            &AtomicUsize::new(0),
        );
        assert!(loaded.problems.yaml.is_empty() && loaded.problems.objects.is_empty());
        loaded.objects
    }

    #[test]
    fn ambiguous_scalars_of_a_large_object_are_read_in_one_decode() {
        use std::fmt::Write as _;
        // 256 `yes` among 16,000 entries (800 KB): one decode per `yes` was 257 decodes of
        // the whole ConfigMap (and as many of its deployment's labels below).
        let mut text = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: big}\ndata:\n".to_owned();
        for i in 0..16_000 {
            let value = if i % 62 == 0 && i / 62 < MAX_COERCIONS {
                "yes".to_owned()
            } else {
                format!("value-{i}-{}", "x".repeat(30))
            };
            writeln!(text, "  k{i}: {value}").unwrap();
        }
        let mut deploy = DEPLOY.replace(
            "metadata: {labels: {app: web}}",
            "metadata: {labels: {app: web, tier: on, mode: 0644}}",
        );
        deploy.push_str("        env: [{name: A, value: yes}, {name: B, value: 1.10}]\n");
        let deploy = deploy.replace(
            "spec: {containers: [{name: web, image: nginx:1.27}]}\n        env:",
            "spec:\n      containers:\n      - name: web\n        image: nginx:1.27\n        env:",
        );
        let objects = objects(&format!("{text}---\n{deploy}"));
        let [config_map, deployment] = objects.as_slice() else {
            panic!("two objects");
        };
        assert_eq!(config_map.ambiguous.len(), MAX_COERCIONS);
        assert_eq!(config_map.ambiguous[1].to_string(), "data.k62");
        assert_eq!(config_map.raw["data"]["k62"], "yes");
        let paths: Vec<String> = deployment
            .ambiguous
            .iter()
            .map(ToString::to_string)
            .collect();
        assert_eq!(
            paths,
            [
                "spec.template.metadata.labels.tier",
                "spec.template.metadata.labels.mode",
                "spec.template.spec.containers[0].env[0].value",
                "spec.template.spec.containers[0].env[1].value",
            ]
        );
        assert_eq!(
            deployment.raw["spec"]["template"]["metadata"]["labels"]["mode"],
            "0644"
        );
        assert!(matches!(deployment.typed, Typed::Deployment(_)));
    }

    const DEPLOY: &str = "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web, namespace: shop}\nspec:\n  replicas: 5\n  selector: {matchLabels: {app: web}}\n  template:\n    metadata: {labels: {app: web}}\n    spec: {containers: [{name: web, image: nginx:1.27}]}\n";

    fn effective(extra: &str) -> i32 {
        let objects = objects(&format!("{DEPLOY}---\n{extra}"));
        let index = Index::new(&objects, &[], false);
        let w = index.workloads.first().expect("a workload");
        index.effective_replicas(w).count
    }

    #[test]
    fn effective_replicas_follow_the_autoscaler() {
        let hpa = |api: &str, ns: &str, min: &str, target_api: &str| {
            format!(
                "apiVersion: {api}\nkind: HorizontalPodAutoscaler\nmetadata: {{name: web, namespace: {ns}}}\nspec:\n  scaleTargetRef: {{apiVersion: {target_api}, kind: Deployment, name: web}}\n  {min}\n  maxReplicas: 10\n"
            )
        };
        assert_eq!(
            effective("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n"),
            5
        );
        assert_eq!(
            effective(&hpa("autoscaling/v2", "shop", "minReplicas: 3", "apps/v1")),
            3
        );
        assert_eq!(
            effective(&hpa("autoscaling/v1", "shop", "minReplicas: 2", "apps/v1")),
            2
        );
        assert_eq!(
            effective(&hpa("autoscaling/v2", "shop", "", "apps/v1")),
            1,
            "HPA default"
        );
        assert_eq!(
            effective(&hpa("autoscaling/v2", "prod", "minReplicas: 3", "apps/v1")),
            5,
            "other namespace"
        );
        assert_eq!(
            effective(&hpa(
                "autoscaling/v2",
                "shop",
                "minReplicas: 3",
                "argoproj.io/v1alpha1"
            )),
            5,
            "another group's Deployment"
        );
        let keda = "apiVersion: keda.sh/v1alpha1\nkind: ScaledObject\nmetadata: {name: web, namespace: shop}\nspec:\n  scaleTargetRef: {name: web}\n";
        assert_eq!(effective(keda), 0, "KEDA's minReplicaCount defaults to 0");
        assert_eq!(effective(&format!("{keda}  minReplicaCount: 4\n")), 4);
    }
}
