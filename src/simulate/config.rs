//! The applicationHost.config of the simulated server: its pools with the settings
//! that shape their failures, and its sites bound to them.

use super::model::Server;
use crate::domain::RecycleReason;
use std::fmt::Write;

fn timespan(s: i64) -> String {
    let (d, rem) = (s / 86_400, s % 86_400);
    let hms = format!("{:02}:{:02}:{:02}", rem / 3600, rem / 60 % 60, rem % 60);
    if d > 0 {
        format!("{d}.{hms}")
    } else {
        hms
    }
}

/// `logEventOnRecycle`: the flags of the reasons.
fn log_flags(reasons: &[RecycleReason]) -> String {
    let flags: Vec<&str> = reasons
        .iter()
        .map(|r| r.log_flag().expect("a logged recycle reason has a flag"))
        .collect();
    flags.join(", ")
}

/// The config text.
pub fn render(server: &Server) -> String {
    let mut o = String::new();
    o.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\r\n<configuration>\r\n");
    o.push_str("    <configSections>\r\n        <sectionGroup name=\"system.applicationHost\">\r\n            <section name=\"applicationPools\" allowDefinition=\"AppHostOnly\" overrideModeDefault=\"Deny\" />\r\n            <section name=\"sites\" allowDefinition=\"AppHostOnly\" overrideModeDefault=\"Deny\" />\r\n        </sectionGroup>\r\n    </configSections>\r\n");
    o.push_str("    <system.applicationHost>\r\n        <applicationPools>\r\n");
    for p in &server.pools {
        let _ = write!(
            o,
            "            <add name=\"{}\" managedRuntimeVersion=\"{}\"",
            p.name,
            if p.managed { "v4.0" } else { "" }
        );
        if p.queue_length != 1000 {
            let _ = write!(o, " queueLength=\"{}\"", p.queue_length);
        }
        o.push_str(">\r\n");
        let _ = write!(o, "                <processModel identityType=\"ApplicationPoolIdentity\" idleTimeout=\"{}\" shutdownTimeLimit=\"{}\" />\r\n", timespan(p.idle_timeout_min * 60), timespan(p.shutdown_time_limit_s));
        let _ = write!(
            o,
            "                <recycling disallowOverlappingRotation=\"{}\" logEventOnRecycle=\"{}\">\r\n",
            p.disallow_overlap,
            log_flags(&p.log_event_on_recycle)
        );
        let _ = write!(
            o,
            "                    <periodicRestart time=\"{}\"",
            timespan(p.periodic_restart_s)
        );
        if p.private_memory_kb > 0 {
            let _ = write!(o, " privateMemory=\"{}\"", p.private_memory_kb);
        }
        if p.schedule_s.is_empty() {
            o.push_str(" />\r\n");
        } else {
            o.push_str(">\r\n                        <schedule>\r\n");
            for s in &p.schedule_s {
                let _ = write!(
                    o,
                    "                            <add value=\"{}\" />\r\n",
                    timespan(*s)
                );
            }
            o.push_str(
                "                        </schedule>\r\n                    </periodicRestart>\r\n",
            );
        }
        o.push_str("                </recycling>\r\n");
        let _ = write!(
            o,
            "                <failure rapidFailProtection=\"true\" rapidFailProtectionInterval=\"{}\" rapidFailProtectionMaxCrashes=\"{}\" />\r\n",
            timespan(p.rapid_fail_interval_s),
            p.rapid_fail_max
        );
        o.push_str("            </add>\r\n");
    }
    o.push_str("            <applicationPoolDefaults managedRuntimeVersion=\"v4.0\">\r\n                <processModel identityType=\"ApplicationPoolIdentity\" />\r\n            </applicationPoolDefaults>\r\n");
    o.push_str("        </applicationPools>\r\n        <sites>\r\n");
    for s in &server.sites {
        let _ = write!(
            o,
            "            <site name=\"{}\" id=\"{}\" serverAutoStart=\"true\">\r\n",
            s.name, s.id
        );
        let _ = write!(
            o,
            "                <application path=\"/\" applicationPool=\"{}\">\r\n                    <virtualDirectory path=\"/\" physicalPath=\"D:\\inetpub\\{}\" />\r\n                </application>\r\n",
            server.pools[s.pool].name,
            s.name.replace(' ', "")
        );
        o.push_str("                <bindings>\r\n");
        let proto = if s.port == 443 { "https" } else { "http" };
        let _ = write!(o, "                    <binding protocol=\"{proto}\" bindingInformation=\"*:{}:{}\" />\r\n", s.port, s.host);
        o.push_str("                </bindings>\r\n            </site>\r\n");
    }
    o.push_str("            <siteDefaults>\r\n                <logFile logFormat=\"W3C\" directory=\"%SystemDrive%\\inetpub\\logs\\LogFiles\" />\r\n            </siteDefaults>\r\n");
    o.push_str("        </sites>\r\n    </system.applicationHost>\r\n</configuration>\r\n");
    o
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn corvid_reads_the_config_it_writes() {
        let server = Server::new("WEB01");
        let text = render(&server);
        let cfg = crate::parse::appconfig::parse(text.as_bytes(), &Default::default()).unwrap();
        assert!(cfg.warnings.is_empty(), "{:?}", cfg.warnings);
        assert_eq!(cfg.app_pools.len(), server.pools.len());
        let api = cfg.app_pools.iter().find(|p| p.name == "ApiPool").unwrap();
        assert!(api.disallow_overlapping_rotation);
        assert_eq!(api.periodic_restart_schedule, vec!["03:00:00".to_string()]);
        assert_eq!(api.periodic_restart_time_s, 0);
        assert_eq!(api.queue_length, 2000);
        let shop = cfg
            .sites
            .iter()
            .filter(|s| s.applications[0].app_pool == "ShopPool")
            .count();
        assert_eq!(shop, 2);
        assert_eq!(timespan(29 * 3600), "1.05:00:00");
    }
}
