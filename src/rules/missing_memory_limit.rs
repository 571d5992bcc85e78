//! `missing-memory-limit`: a container without a memory limit.

use super::{Context, Group, Rule, RuleMeta, Sink, missing_limit};
use crate::finding::Severity;

pub(super) struct MissingMemoryLimit;

static META: RuleMeta = RuleMeta {
    name: "missing-memory-limit",
    group: Group::Resources,
    severity: Severity::Info,
    enabled: true,
    summary: "a container lacks a memory limit",
    options: super::OptionsType::NONE,
    doc: include_str!("../../rules/missing-memory-limit.md"),
};

impl Rule for MissingMemoryLimit {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Sink<'_>) {
        missing_limit(
            cx,
            out,
            "memory",
            "a leak can exhaust the node and get other pods evicted",
        );
    }
}
