//! `mutable-image-tag`: an image without a pinned tag or digest.

use super::{Context, Group, Rule, RuleMeta, Sink};
use crate::finding::Severity;

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

/// The tag of an image reference, `None` when it has none, or `Some("")` when it is pinned by
/// digest. `registry:5000/app` has no tag: a `:` before the last `/` is a registry port.
pub(crate) fn image_tag(image: &str) -> Option<&str> {
    if image.contains('@') {
        return Some("");
    }
    let last = image.rsplit('/').next().unwrap_or(image);
    last.split_once(':').map(|(_, tag)| tag)
}

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

#[cfg(test)]
mod tests {
    use super::image_tag;

    #[test]
    fn parses_image_references() {
        assert_eq!(image_tag("nginx"), None);
        assert_eq!(image_tag("nginx:latest"), Some("latest"));
        assert_eq!(image_tag("nginx:1.27"), Some("1.27"));
        assert_eq!(image_tag("registry:5000/app"), None);
        assert_eq!(image_tag("registry:5000/team/app:1.2"), Some("1.2"));
        assert_eq!(image_tag("nginx@sha256:abc"), Some(""));
        assert_eq!(image_tag("nginx:latest@sha256:abc"), Some(""));
    }
}
