//! PersistentVolumeClaims as pods mount them.

use super::{Object, Typed};

/// Whether `o` is a PersistentVolumeClaim that only one node can mount: it asks for access
/// modes, and every one is `ReadWriteOnce` or `ReadWriteOncePod` (a claim asking for
/// `ReadWriteMany` or `ReadOnlyMany` as well binds a volume that supports them).
pub fn is_read_write_once(o: &Object) -> bool {
    let Typed::PersistentVolumeClaim(pvc) = &o.typed else {
        return false;
    };
    let modes = pvc
        .spec
        .as_ref()
        .and_then(|s| s.access_modes.as_deref())
        .unwrap_or_default();
    !modes.is_empty()
        && modes
            .iter()
            .all(|m| matches!(m.as_str(), "ReadWriteOnce" | "ReadWriteOncePod"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::test_object;
    use serde_json::json;

    fn claim(modes: &[&str]) -> Object {
        test_object(json!({
            "apiVersion": "v1", "kind": "PersistentVolumeClaim",
            "metadata": {"name": "data"},
            "spec": {"accessModes": modes}
        }))
    }

    #[test]
    fn only_read_write_once_modes_are_rwo() {
        assert!(is_read_write_once(&claim(&["ReadWriteOnce"])));
        assert!(is_read_write_once(&claim(&["ReadWriteOncePod"])));
        assert!(is_read_write_once(&claim(&[
            "ReadWriteOnce",
            "ReadWriteOncePod"
        ])));
        assert!(!is_read_write_once(&claim(&[
            "ReadWriteOnce",
            "ReadWriteMany"
        ])));
        assert!(!is_read_write_once(&claim(&["ReadOnlyMany"])));
        assert!(!is_read_write_once(&claim(&[])));
        let no_spec = test_object(json!({
            "apiVersion": "v1", "kind": "PersistentVolumeClaim", "metadata": {"name": "data"}
        }));
        assert!(!is_read_write_once(&no_spec));
    }

    #[test]
    fn other_kinds_are_not_claims() {
        let pv = test_object(json!({
            "apiVersion": "v1", "kind": "PersistentVolume",
            "metadata": {"name": "data"},
            "spec": {"accessModes": ["ReadWriteOnce"]}
        }));
        assert!(!is_read_write_once(&pv));
    }
}
