//! `unused-suppression`: a suppression that matched no finding.
//!
//! Suppressions are applied after every rule has run, so this rule's findings are produced by
//! [`crate::suppress`]; the registry entry gives it a name, a severity, docs and a switch.

use super::{Context, Group, Rule, RuleMeta, Sink};
use crate::finding::Severity;

pub(super) struct UnusedSuppression;

static META: RuleMeta = RuleMeta {
    name: "unused-suppression",
    group: Group::Suppressions,
    severity: Severity::Info,
    enabled: true,
    summary: "a suppression (annotation, comment or config entry) matched no finding",
    options: super::OptionsType::NONE,
    doc: include_str!("../../rules/unused-suppression.md"),
};

impl Rule for UnusedSuppression {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, _cx: &Context<'_>, _out: &mut Sink<'_>) {}
}
