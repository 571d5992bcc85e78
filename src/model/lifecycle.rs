//! Pod shutdown as the kubelet runs it: the `preStop` hook, then SIGTERM, within
//! `terminationGracePeriodSeconds`.

use k8s_openapi::api::core::v1::{Container, PodSpec};

/// The pod's grace period: `terminationGracePeriodSeconds`, default 30.
pub fn termination_grace_seconds(spec: &PodSpec) -> i64 {
    spec.termination_grace_period_seconds.unwrap_or(30)
}

pub fn has_pre_stop(c: &Container) -> bool {
    c.lifecycle.as_ref().is_some_and(|l| l.pre_stop.is_some())
}

/// How long the container's `preStop` hook sleeps, when it is a sleep: the `sleep` action
/// (`preStop.sleep.seconds`), or an `exec` command that starts with `sleep N` (directly or
/// through `sh -c`). Returns the seconds and the path below the container to the hook part.
pub fn pre_stop_sleep(c: &Container) -> Option<(i64, &'static [&'static str])> {
    let hook = c.lifecycle.as_ref()?.pre_stop.as_ref()?;
    if let Some(s) = &hook.sleep {
        return Some((s.seconds, &["lifecycle", "preStop", "sleep", "seconds"]));
    }
    let command = hook.exec.as_ref()?.command.as_ref()?;
    let words: Vec<&str> = match command.as_slice() {
        [shell, flag, script] if is_shell(shell) && flag == "-c" => {
            script.split_whitespace().collect()
        }
        _ => command.iter().map(String::as_str).collect(),
    };
    let (first, rest) = words.split_first()?;
    let first = first.rsplit('/').next().unwrap_or(first);
    if first != "sleep" {
        return None;
    }
    let seconds = parse_sleep(rest.first()?.trim_end_matches(';'))?;
    Some((seconds, &["lifecycle", "preStop", "exec", "command"]))
}

fn is_shell(s: &str) -> bool {
    matches!(
        s.rsplit('/').next(),
        Some("sh" | "bash" | "ash" | "dash" | "zsh")
    )
}

/// `15`, `15s`, `2m` → seconds (whole seconds only).
fn parse_sleep(s: &str) -> Option<i64> {
    let (digits, factor) = [('s', 1), ('m', 60), ('h', 3600)]
        .into_iter()
        .find_map(|(unit, factor)| s.strip_suffix(unit).map(|d| (d, factor)))
        .unwrap_or((s, 1));
    digits.parse::<i64>().ok().map(|n| n * factor)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn container(lifecycle: &serde_json::Value) -> Container {
        serde_json::from_value(json!({"name": "a", "lifecycle": lifecycle})).unwrap()
    }

    #[test]
    fn sleep_action() {
        let c = container(&json!({"preStop": {"sleep": {"seconds": 20}}}));
        assert_eq!(pre_stop_sleep(&c).map(|s| s.0), Some(20));
        assert!(has_pre_stop(&c));
    }

    #[test]
    fn exec_sleep() {
        let c = container(&json!({"preStop": {"exec": {"command": ["sleep", "40"]}}}));
        assert_eq!(pre_stop_sleep(&c).map(|s| s.0), Some(40));
        let c = container(
            &json!({"preStop": {"exec": {"command": ["/bin/sh", "-c", "sleep 15; nginx -s quit"]}}}),
        );
        assert_eq!(pre_stop_sleep(&c).map(|s| s.0), Some(15));
        let c = container(&json!({"preStop": {"exec": {"command": ["/bin/sleep", "2m"]}}}));
        assert_eq!(pre_stop_sleep(&c).map(|s| s.0), Some(120));
        let c = container(&json!({"preStop": {"exec": {"command": ["/app/drain"]}}}));
        assert_eq!(pre_stop_sleep(&c), None);
        assert!(has_pre_stop(&c));
        let c = container(&json!({"preStop": {"exec": {"command": ["sleep", "$(DELAY)"]}}}));
        assert_eq!(pre_stop_sleep(&c), None);
    }

    #[test]
    fn grace_default() {
        let spec: PodSpec = serde_json::from_value(json!({"containers": []})).unwrap();
        assert_eq!(termination_grace_seconds(&spec), 30);
    }
}
