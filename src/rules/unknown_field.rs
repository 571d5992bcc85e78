//! `unknown-field`: a field the kind's schema does not have (a typo, or a misplaced key).

use std::sync::OnceLock;

use super::{Context, Group, Rule, RuleMeta, Sink};
use crate::finding::Severity;
use crate::model::Seg;
use crate::suggest;

pub(super) struct UnknownField;

static META: RuleMeta = RuleMeta {
    name: "unknown-field",
    group: Group::Manifest,
    severity: Severity::Warning,
    enabled: true,
    summary: "a known kind carries a field its schema does not have (typo such as `readinesProbe`)",
    options: super::OptionsType::NONE,
    doc: include_str!("../../rules/unknown-field.md"),
};

/// Every field name of the Kubernetes API types (generated from k8s-openapi).
fn field_names() -> &'static [&'static str] {
    static NAMES: OnceLock<Vec<&'static str>> = OnceLock::new();
    NAMES.get_or_init(|| {
        include_str!("../model/k8s_field_names.txt")
            .lines()
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
            .collect()
    })
}

impl Rule for UnknownField {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Sink<'_>) {
        for o in cx.objects {
            for path in &o.unknown_fields {
                let Some(Seg::Key(key)) = path.0.last() else {
                    continue;
                };
                let parent = crate::model::FieldPath(
                    path.0.get(..path.0.len() - 1).unwrap_or_default().to_vec(),
                );
                let place = if parent.0.is_empty() {
                    format!("{} {}", o.kind, "objects")
                } else {
                    format!("`{parent}`")
                };
                let known_elsewhere = field_names().contains(&key.as_ref());
                let help = if known_elsewhere {
                    format!(
                        "`{key}` is a field elsewhere in the schema: check its indentation (it may belong one level up or down)"
                    )
                } else if let Some(hint) = suggest::hint(key, field_names().iter().copied()) {
                    format!(
                        "{hint} The API server drops unknown fields (or rejects them with --validate=strict), so this setting silently does not exist"
                    )
                } else {
                    "Remove it or fix its name: the API server drops unknown fields, so this setting silently does not exist".to_owned()
                };
                // Each try decodes the object again: a bound keeps an object with thousands of
                // stray keys linear.
                let fix = if known_elsewhere || o.unknown_fields.len() > MAX_RENAME_TRIES {
                    None
                } else {
                    rename_fix(cx, o, path, key)
                };
                let mut reported = out.report(
                    o,
                    path.clone(),
                    format!("`{key}` is not a field of {place} in {}", o.describe()),
                );
                reported.help(help);
                if let Some(fix) = fix {
                    reported.fix(fix);
                }
            }
        }
    }
}

/// Objects with more unknown fields than this get no rename fixes.
const MAX_RENAME_TRIES: usize = 32;

/// Renames `key` to its did-you-mean when that is the one closest field name and the object,
/// decoded again with it, knows the field there (the list of names spans every kind, so the
/// closest name may belong elsewhere): a safe fix, the setting was dropped before.
fn rename_fix(
    cx: &Context<'_>,
    o: &crate::model::Object,
    path: &crate::model::FieldPath,
    key: &str,
) -> Option<crate::finding::Fix> {
    let candidate = suggest::unique_did_you_mean(key, field_names().iter().copied())?;
    let parent = crate::model::FieldPath(path.0.get(..path.0.len().checked_sub(1)?)?.to_vec());
    let mut renamed = o.raw.clone();
    let map = parent.get_mut(&mut renamed)?.as_object_mut()?;
    if map.contains_key(candidate) {
        return None;
    }
    let entries: Vec<(String, serde_json::Value)> = std::mem::take(map).into_iter().collect();
    for (k, v) in entries {
        let k = if k == key { candidate.to_owned() } else { k };
        map.insert(k, v);
    }
    let (typed, unknown) = crate::model::decode(&o.api_version, &o.kind, &renamed);
    let target = parent.clone().key(candidate.to_owned());
    if typed.is_err() || unknown.contains(&target) || unknown.len() >= o.unknown_fields.len() {
        return None;
    }
    let text = crate::edit::Editor::of(cx.files, o)?;
    let node = crate::edit::written_node(o, path)?;
    if text.slice(node.key) != key {
        return None;
    }
    Some(crate::finding::Fix {
        title: format!("Rename `{key}` to `{candidate}`"),
        applicability: crate::finding::Applicability::Safe,
        edits: vec![text.edit(node.key, candidate)],
    })
}
