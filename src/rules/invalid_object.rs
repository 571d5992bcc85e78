//! `invalid-object`: a document that is not a Kubernetes object, or does not fit its schema.

use super::{Context, Group, Rule, RuleMeta, Sink};
use crate::finding::Severity;
use crate::model::api_rejections;

pub(super) struct InvalidObject;

static META: RuleMeta = RuleMeta {
    name: "invalid-object",
    group: Group::Manifest,
    severity: Severity::Error,
    enabled: true,
    summary: "a document is not a mapping, lacks apiVersion or kind, or does not fit its kind's schema",
    options: super::OptionsType::NONE,
    doc: include_str!("../../rules/invalid-object.md"),
};

impl Rule for InvalidObject {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Sink<'_>) {
        for problem in &cx.problems.objects {
            out.report_at(
                problem.file,
                problem.span,
                problem.object.clone(),
                problem.message.clone(),
            )
            .help(problem.help.clone());
        }
        for o in cx.objects {
            for (path, reason) in api_rejections(o) {
                out.report(o, path, format!("{} {reason}", o.describe()))
                    .help("Change the manifest so the API server accepts it; `kubectl apply --dry-run=server` shows the same error");
            }
        }
    }
}
