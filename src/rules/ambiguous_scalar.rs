//! `ambiguous-scalar`: an unquoted value YAML 1.1 reads as a bool or number where the schema
//! wants a string (`value: yes`, `mode: 0644` in a label).

use super::{Context, Group, Rule, RuleMeta, Sink};
use crate::finding::Severity;

pub(super) struct AmbiguousScalar;

static META: RuleMeta = RuleMeta {
    name: "ambiguous-scalar",
    group: Group::Manifest,
    severity: Severity::Error,
    enabled: true,
    summary: "an unquoted scalar (yes, on, 0644, 1.10) is read as a bool or number in a string field",
    options: super::OptionsType::NONE,
    doc: include_str!("../../rules/ambiguous-scalar.md"),
};

impl Rule for AmbiguousScalar {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Sink<'_>) {
        for o in cx.objects {
            let text = cx.files.get(o.file.index()).map_or("", |f| f.text.as_str());
            for path in &o.ambiguous {
                let Some(node) = path.node(&o.raw, &o.spans) else {
                    continue;
                };
                let written = text
                    .get(node.value.start as usize..node.value.end as usize)
                    .unwrap_or("");
                let reading = match crate::source::resolve_plain(written) {
                    crate::source::Resolved::Bool(b) => format!("the boolean `{b}`"),
                    crate::source::Resolved::Int(i) => format!("the number {i}"),
                    crate::source::Resolved::Uint(u) => format!("the number {u}"),
                    crate::source::Resolved::Float(f) => format!("the number {f}"),
                    crate::source::Resolved::Null => "null".to_owned(),
                    crate::source::Resolved::Str => "a non-string".to_owned(),
                };
                let fix = crate::edit::Editor::of(cx.files, o).and_then(|t| t.quote(o, path));
                let mut reported = out.report(
                    o,
                    path.clone(),
                    format!("`{path}` is a string field, but the unquoted `{written}` is read as {reading}"),
                );
                reported.help(format!(
                    "Quote it (`\"{written}\"`): kubectl reads YAML 1.1, and the API server rejects a non-string here"
                ));
                if let Some(fix) = fix {
                    reported.fix(fix);
                }
            }
        }
    }
}
