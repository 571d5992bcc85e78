//! `duplicate-object`: two different definitions of one object that are applied together.
//!
//! Applied together means in one file, or in one directory (what `kubectl apply -f DIR` reads;
//! standard input counts as one directory), unless `.kubeha.yaml` declares the two files
//! variants. Other directories are other units (see `model::variants`). Identical copies are
//! harmless. Two files of one directory that redefine many objects are one cause: one finding
//! per pair of files.

use std::collections::HashMap;
use std::path::Path;

use serde_json::Value;

use super::{Context, Group, Rule, RuleMeta, Sink, plural};
use crate::finding::Severity;
use crate::model::{Identity, Object, identity};
use crate::path;
use crate::source::FileId;

pub(super) struct DuplicateObject;

static META: RuleMeta = RuleMeta {
    name: "duplicate-object",
    group: Group::Manifest,
    severity: Severity::Error,
    enabled: true,
    summary: "two different definitions of one object are applied together: the later replaces the earlier",
    options: super::OptionsType::NONE,
    doc: include_str!("../../rules/duplicate-object.md"),
};

/// Objects named as related locations of a two-file finding, besides the first.
const MORE_SHOWN: usize = 3;

fn file_name<'f>(cx: &'f Context<'_>, file: FileId) -> &'f str {
    let name = cx.files.get(file.index()).map_or("", |f| f.name.as_str());
    name.strip_prefix("./").unwrap_or(name)
}

/// The directory `kubectl apply -f` would be given for this file.
fn directory_of(name: &str) -> String {
    match Path::new(name).parent().map(|p| p.display().to_string()) {
        Some(dir) if !dir.is_empty() => dir,
        _ => ".".to_owned(),
    }
}

/// A file name as a `variants:` glob in YAML flow style.
fn as_glob(name: &str) -> String {
    let glob = if name.contains(['*', '?', '[', ']', '{', '}']) {
        globset::escape(name)
    } else {
        name.to_owned()
    };
    if glob
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '/' | '-'))
    {
        glob
    } else {
        format!("\"{}\"", glob.replace('\\', "\\\\").replace('"', "\\\""))
    }
}

/// The same definition, ignoring formatting, comments and how the namespace is written.
fn same_definition(cx: &Context<'_>, a: &Object, b: &Object) -> bool {
    let (Value::Object(ma), Value::Object(mb)) = (&a.raw, &b.raw) else {
        return a.raw == b.raw;
    };
    let without_namespace = |v: &Value| match v {
        Value::Object(m) => m
            .iter()
            .filter(|(k, _)| *k != "namespace")
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect::<serde_json::Map<_, _>>(),
        _ => serde_json::Map::new(),
    };
    let same = ma.len() == mb.len()
        && ma.iter().all(|(k, va)| {
            mb.get(k).is_some_and(|vb| {
                if k == "metadata" && va.is_object() && vb.is_object() {
                    without_namespace(va) == without_namespace(vb)
                } else {
                    va == vb
                }
            })
        });
    // A CustomResourceDefinition's schemas are dropped after loading: compare their text.
    same && (a.kind != "CustomResourceDefinition" || spec_text(cx, a) == spec_text(cx, b))
}

fn spec_text<'c>(cx: &'c Context<'_>, o: &Object) -> Option<&'c str> {
    let Value::Object(map) = &o.raw else {
        return None;
    };
    let i = map.keys().position(|k| k == "spec")?;
    let span = o.spans.children.get(i)?.value;
    cx.files
        .get(o.file.index())?
        .text
        .get(span.start as usize..span.end as usize)
}

/// Redefinitions of one earlier file's objects by one later file of the same directory.
struct FilePair<'a> {
    earlier: FileId,
    later: FileId,
    /// `(later definition, earlier definition)`, in the later file's order.
    objects: Vec<(&'a Object, &'a Object)>,
}

impl Rule for DuplicateObject {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Sink<'_>) {
        let variants = cx.index.variants();
        let mut seen: HashMap<Identity<'_>, Vec<&Object>> = HashMap::new();
        let mut pairs: Vec<FilePair<'_>> = Vec::new();
        let mut pair_of: HashMap<(FileId, FileId), usize> = HashMap::new();
        for o in cx.objects {
            let Some(id) = identity(o) else { continue };
            let earlier = seen.entry(id).or_default();
            let mut in_file = false;
            let mut files_done: Vec<FileId> = Vec::new();
            for &e in earlier.iter() {
                let together = e.file == o.file
                    || (variants.same_directory(e.file, o.file)
                        && !variants.declared_apart(e.file, o.file));
                if !together || same_definition(cx, e, o) {
                    continue;
                }
                if e.file == o.file {
                    if !in_file {
                        in_file = true;
                        report_in_file(out, o, e);
                    }
                } else if !files_done.contains(&e.file) {
                    files_done.push(e.file);
                    let at = *pair_of.entry((e.file, o.file)).or_insert_with(|| {
                        pairs.push(FilePair {
                            earlier: e.file,
                            later: o.file,
                            objects: Vec::new(),
                        });
                        pairs.len() - 1
                    });
                    if let Some(pair) = pairs.get_mut(at) {
                        pair.objects.push((o, e));
                    }
                }
            }
            earlier.push(o);
        }
        let severity = if cx.settings.severity == META.severity {
            Severity::Warning
        } else {
            cx.settings.severity
        };
        for pair in &pairs {
            report_file_pair(cx, out, pair, &pairs, severity);
        }
    }
}

fn report_in_file(out: &mut Sink<'_>, o: &Object, earlier: &Object) {
    out.report(
        o,
        path!["metadata", "name"],
        format!(
            "{} is defined twice in this file (first in document {}): applying the file keeps only this later definition",
            o.describe_placed(),
            earlier.document + 1
        ),
    )
    .related(earlier, &path!["metadata", "name"], "first definition, replaced by the later one")
    .help(
        "Remove or rename one of them: `kubectl apply` creates the object from the first definition and then replaces it with the second, so the first never takes effect",
    );
}

/// The files of the later file's directory tied to it by conflicting redefinitions: the
/// files one `variants:` entry would declare.
fn conflicting_files(pair: &FilePair<'_>, pairs: &[FilePair<'_>]) -> Vec<FileId> {
    let mut files = vec![pair.earlier, pair.later];
    let mut grew = true;
    while grew {
        grew = false;
        for p in pairs {
            let (a, b) = (files.contains(&p.earlier), files.contains(&p.later));
            if a != b {
                files.push(if a { p.later } else { p.earlier });
                grew = true;
            }
        }
    }
    files.sort_unstable();
    files
}

fn report_file_pair(
    cx: &Context<'_>,
    out: &mut Sink<'_>,
    pair: &FilePair<'_>,
    pairs: &[FilePair<'_>],
    severity: Severity,
) {
    let Some(&(first, first_earlier)) = pair.objects.first() else {
        return;
    };
    let earlier_name = file_name(cx, pair.earlier);
    let later_name = file_name(cx, pair.later);
    let unit = if cx.index.variants().is_stdin(pair.later) {
        "standard input".to_owned()
    } else {
        format!("`kubectl apply -f {}`", directory_of(later_name))
    };
    let message = if pair.objects.len() == 1 {
        format!(
            "{} is defined differently in {earlier_name} and in {later_name}: {unit} applies both files and keeps only this later definition",
            first.describe_placed()
        )
    } else {
        format!(
            "{later_name} redefines {} of {earlier_name} differently, first {}: {unit} applies both files and keeps only the later definitions",
            plural(pair.objects.len(), "object", "objects"),
            first.describe_placed()
        )
    };
    let entry: Vec<String> = conflicting_files(pair, pairs)
        .into_iter()
        .map(|f| as_glob(file_name(cx, f)))
        .collect();
    let mut reported = out.report(first, path!["metadata", "name"], message);
    reported
        .severity(severity)
        .related(
            first_earlier,
            &path!["metadata", "name"],
            format!("first defined in {earlier_name}"),
        )
        .help(format!(
            "If these files are alternatives that are never applied together, declare them variants in `.kubeha.yaml` with `variants: [[{}]]`; otherwise remove or rename the duplicate definitions",
            entry.join(", ")
        ));
    let rest = pair.objects.get(1..).unwrap_or(&[]);
    let shown = rest.len().min(MORE_SHOWN);
    for (i, (o, _)) in rest.iter().take(shown).enumerate() {
        let more = if i + 1 == shown && rest.len() > shown {
            format!(" (… and {} more)", rest.len() - shown)
        } else {
            String::new()
        };
        reported.related(
            o,
            &path!["metadata", "name"],
            format!("also redefined here: {}{more}", o.describe_placed()),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_become_flow_style_globs() {
        assert_eq!(as_glob("manifests/install.yaml"), "manifests/install.yaml");
        assert_eq!(as_glob("my dir/a.yaml"), "\"my dir/a.yaml\"");
        assert_eq!(as_glob("a[1].yaml"), "\"a[[]1[]].yaml\"");
        assert_eq!(directory_of("install.yaml"), ".");
        assert_eq!(directory_of("a/b/install.yaml"), "a/b");
    }
}
