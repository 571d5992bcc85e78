//! `duplicate-key`: a mapping repeats a key; only the last value survives.

use super::{Context, Group, Rule, RuleMeta, Sink};
use crate::finding::Severity;

pub(super) struct DuplicateKey;

static META: RuleMeta = RuleMeta {
    name: "duplicate-key",
    group: Group::Manifest,
    severity: Severity::Error,
    enabled: true,
    summary: "a mapping repeats a key",
    options: super::OptionsType::NONE,
    doc: include_str!("../../rules/duplicate-key.md"),
};

impl Rule for DuplicateKey {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Sink<'_>) {
        for dup in &cx.problems.duplicates {
            out.report_at(
                dup.file,
                dup.key.second,
                dup.object.clone(),
                format!("key `{}` appears twice in the same mapping", dup.key.key),
            )
            .related_at(dup.file, dup.key.first, format!("first `{}` here", dup.key.key))
            .help("Remove one of them: `kubectl` rejects the file, and other tools silently keep only the last value");
        }
    }
}
