//! `mutable-image-tag`: an image without a pinned tag or digest.

use super::{Context, Group, Rule, RuleMeta, Sink};
use crate::finding::Severity;
use crate::model::image_tag;

pub struct MutableImageTag;

static META: RuleMeta = RuleMeta {
    name: "mutable-image-tag",
    group: Group::Resources,
    severity: Severity::Warning,
    enabled: true,
    summary: "an image has no tag or the tag `latest` (digests always pass)",
    options: &[],
    doc: include_str!("../../rules/mutable-image-tag.md"),
};

impl Rule for MutableImageTag {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Sink<'_>) {
        for w in &cx.index.workloads {
            let spec = w.pod_spec;
            let lists = [
                (
                    "initContainers",
                    spec.init_containers.as_deref().unwrap_or_default(),
                ),
                ("containers", spec.containers.as_slice()),
            ];
            for (field, containers) in lists {
                for (i, c) in containers.iter().enumerate() {
                    let Some(image) = c.image.as_deref() else {
                        continue;
                    };
                    let problem = match image_tag(image) {
                        None => "has no tag, so it means `latest`",
                        Some("latest") => "uses the tag `latest`",
                        Some(_) => continue,
                    };
                    out.report(
                        w.object,
                        w.pod_spec_path().key(field).index(i).key("image"),
                        format!("image `{image}` of container `{}` {problem}", c.name),
                    )
                    .help("Pin a version tag (`app:1.4.2`) or a digest (`app@sha256:…`) so every replica and every rollback runs the same code");
                }
            }
        }
    }
}
