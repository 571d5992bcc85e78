//! `invalid-yaml`: a document that is not valid YAML, or breaks a loader limit.

use super::{Context, Group, Rule, RuleMeta, Sink};
use crate::finding::Severity;

pub(super) struct InvalidYaml;

static META: RuleMeta = RuleMeta {
    name: "invalid-yaml",
    group: Group::Manifest,
    severity: Severity::Error,
    enabled: true,
    summary: "the document is not valid YAML or breaks a size, depth or alias limit",
    options: super::OptionsType::NONE,
    doc: include_str!("../../rules/invalid-yaml.md"),
};

impl Rule for InvalidYaml {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Sink<'_>) {
        for (file, error) in &cx.problems.yaml {
            out.report_at(
                *file,
                error.span,
                None,
                format!("invalid YAML: {}", error.message),
            )
            .help(
                "Fix the document at this position; the other documents and files are still linted",
            );
        }
    }
}
