//! `<clear/>` / `<remove>` handling, defaults-collection inheritance, and warnings for
//! unusable values (nothing silently lost).

use corvid::parse::appconfig::{parse, Config, Limits};

fn apphost(body: &str) -> Config {
    let xml = format!(
        "<configuration><system.applicationHost>{body}</system.applicationHost></configuration>"
    );
    parse(xml.as_bytes(), &Limits::default()).expect("parses")
}

fn pool_names(cfg: &Config) -> Vec<&str> {
    cfg.app_pools.iter().map(|p| p.name.as_str()).collect()
}

#[test]
fn clear_and_remove_in_application_pools() {
    let cfg = apphost(
        r#"<applicationPools>
            <add name="Gone1"/><add name="Gone2"/>
            <clear/>
            <add name="A"/><add name="B"/><add name="C"/>
            <remove name="b"/>
            <add name="D"/>
        </applicationPools>"#,
    );
    assert_eq!(pool_names(&cfg), ["A", "C", "D"]);
    assert!(cfg.warnings.is_empty(), "{:?}", cfg.warnings);
}

#[test]
fn clear_does_not_drop_pool_defaults() {
    let cfg = apphost(
        r#"<applicationPools>
            <applicationPoolDefaults queueLength="3000"/>
            <clear/>
            <add name="A"/>
        </applicationPools>"#,
    );
    assert_eq!(cfg.app_pools[0].queue_length, 3000);
}

#[test]
fn duplicate_pool_keeps_first_and_warns() {
    let cfg = apphost(
        r#"<applicationPools><add name="A" queueLength="10"/><add name="a" queueLength="20"/></applicationPools>"#,
    );
    assert_eq!(cfg.app_pools.len(), 1);
    assert_eq!(cfg.app_pools[0].queue_length, 10);
    assert!(cfg.warnings[0].contains("duplicate application pool \"a\""));
}

#[test]
fn clear_and_remove_in_sites_bindings_and_applications() {
    let cfg = apphost(
        r#"<sites>
            <site name="Old" id="9"/>
            <clear/>
            <site name="S" id="1">
                <application path="/x" applicationPool="P1"/>
                <clear/>
                <application path="/"/>
                <application path="/y"/>
                <remove path="/y"/>
                <bindings>
                    <binding protocol="http" bindingInformation="*:8080:"/>
                    <clear/>
                    <binding protocol="http" bindingInformation="*:80:"/>
                    <binding protocol="https" bindingInformation="*:443:"/>
                    <remove protocol="HTTP" bindingInformation="*:80:"/>
                </bindings>
            </site>
            <site name="T" id="2"/>
            <remove name="t"/>
        </sites>"#,
    );
    assert_eq!(cfg.sites.len(), 1);
    let s = &cfg.sites[0];
    assert_eq!(s.name, "S");
    let paths: Vec<_> = s.applications.iter().map(|a| a.path.as_str()).collect();
    assert_eq!(paths, ["/"]);
    let b: Vec<_> = s
        .bindings
        .iter()
        .map(|b| (b.protocol.as_str(), b.binding_information.as_str()))
        .collect();
    assert_eq!(b, [("https", "*:443:")]);
}

#[test]
fn site_defaults_bindings_are_inherited_unless_cleared() {
    let cfg = apphost(
        r#"<sites>
            <site name="Inherits" id="1"><bindings><binding protocol="http" bindingInformation="*:81:"/></bindings></site>
            <site name="Clears" id="2"><bindings><clear/><binding protocol="http" bindingInformation="*:82:"/></bindings></site>
            <siteDefaults serverAutoStart="false">
                <bindings><binding protocol="net.tcp" bindingInformation="808:*"/></bindings>
                <logFile directory="L:\logs"/>
            </siteDefaults>
        </sites>"#,
    );
    let infos = |i: usize| -> Vec<String> {
        cfg.sites[i]
            .bindings
            .iter()
            .map(|b| format!("{} {}", b.protocol, b.binding_information))
            .collect()
    };
    assert_eq!(infos(0), ["net.tcp 808:*", "http *:81:"]);
    assert_eq!(infos(1), ["http *:82:"]);
    assert_eq!(cfg.sites[0].server_auto_start, Some(false));
    assert_eq!(cfg.sites[1].log_directory.as_deref(), Some(r"L:\logs"));
}

#[test]
fn schedule_inherits_from_defaults_with_clear_and_remove() {
    let cfg = apphost(
        r#"<applicationPools>
            <add name="Inherit"/>
            <add name="Extend"><recycling><periodicRestart><schedule><add value="4:00"/></schedule></periodicRestart></recycling></add>
            <add name="Replace"><recycling><periodicRestart><schedule><clear/><add value="05:15:00"/></schedule></periodicRestart></recycling></add>
            <add name="Drop"><recycling><periodicRestart><schedule><remove value="02:00:00"/></schedule></periodicRestart></recycling></add>
            <applicationPoolDefaults><recycling><periodicRestart><schedule><add value="02:00:00"/></schedule></periodicRestart></recycling></applicationPoolDefaults>
        </applicationPools>"#,
    );
    let sched: Vec<_> = cfg
        .app_pools
        .iter()
        .map(|p| p.periodic_restart_schedule.join(","))
        .collect();
    assert_eq!(sched, ["02:00:00", "02:00:00,04:00:00", "05:15:00", ""]);
}

#[test]
fn non_numeric_queue_length_warns_and_keeps_default() {
    let cfg =
        apphost(r#"<applicationPools><add name="Shop" queueLength="lots"/></applicationPools>"#);
    assert_eq!(cfg.app_pools[0].queue_length, 1000);
    assert_eq!(cfg.warnings.len(), 1);
    let w = &cfg.warnings[0];
    assert!(
        w.contains("\"Shop\"") && w.contains("queueLength") && w.contains("\"lots\""),
        "{w}"
    );
    assert!(w.contains("keeping 1000"), "{w}");
}

#[test]
fn bad_pool_value_falls_back_to_pool_defaults_value() {
    let cfg = apphost(
        r#"<applicationPools>
            <add name="P" queueLength="-5"><processModel idleTimeout="20 minutes" pingingEnabled="yes"/></add>
            <applicationPoolDefaults queueLength="4000"><processModel idleTimeout="00:05:00"/></applicationPoolDefaults>
        </applicationPools>"#,
    );
    let p = &cfg.app_pools[0];
    assert_eq!(
        (p.queue_length, p.idle_timeout_s, p.ping_enabled),
        (4000, 300, true)
    );
    assert_eq!(cfg.warnings.len(), 3, "{:#?}", cfg.warnings);
    assert!(cfg.warnings[1].contains("processModel/@idleTimeout = \"20 minutes\""));
    assert!(cfg.warnings[1].contains("keeping 00:05:00"));
}

#[test]
fn bad_defaults_value_warns_once_and_uses_schema() {
    let cfg = apphost(
        r#"<applicationPools>
            <add name="A"/><add name="B"/>
            <applicationPoolDefaults startMode="Sometimes"><failure loadBalancerCapabilities="Tcp"/></applicationPoolDefaults>
        </applicationPools>"#,
    );
    assert!(cfg.app_pools.iter().all(|p| p.start_mode == "OnDemand"));
    assert!(cfg
        .app_pools
        .iter()
        .all(|p| p.load_balancer_capabilities == "HttpLevel"));
    assert_eq!(cfg.warnings.len(), 2, "{:#?}", cfg.warnings);
    assert!(cfg
        .warnings
        .iter()
        .all(|w| w.starts_with("applicationPoolDefaults")));
}

#[test]
fn enums_and_flags_are_canonicalised() {
    let cfg = apphost(
        r#"<applicationPools><add name="P" startMode="alwaysrunning" managedPipelineMode="classic">
            <recycling logEventOnRecycle="memory,time" /></add></applicationPools>"#,
    );
    let p = &cfg.app_pools[0];
    assert_eq!(p.start_mode, "AlwaysRunning");
    assert_eq!(p.pipeline_mode.as_deref(), Some("Classic"));
    assert_eq!(p.log_event_on_recycle, "Memory, Time");
}

#[test]
fn bad_schedule_entry_and_bad_site_values_warn() {
    let cfg = apphost(
        r#"<applicationPools><add name="P"><recycling><periodicRestart>
              <schedule><add value="25:00:00"/><add value="01:00:00"/></schedule>
           </periodicRestart></recycling></add></applicationPools>
           <sites><site name="S" id="x1" serverAutoStart="maybe"><application path="/" applicationPool=" "/></site></sites>"#,
    );
    assert_eq!(cfg.app_pools[0].periodic_restart_schedule, ["01:00:00"]);
    assert_eq!(cfg.sites[0].id, None);
    assert_eq!(cfg.sites[0].server_auto_start, None);
    assert_eq!(cfg.sites[0].applications[0].app_pool, "DefaultAppPool");
    let all = cfg.warnings.join("\n");
    for needle in [
        "\"25:00:00\"",
        "@id = \"x1\"",
        "\"maybe\"",
        "blank applicationPool",
    ] {
        assert!(all.contains(needle), "{needle} missing in {all}");
    }
}

#[test]
fn missing_keys_warn() {
    let cfg = apphost(
        r#"<applicationPools><add queueLength="1"/></applicationPools>
           <sites><site id="7"><application applicationPool="P"/></site></sites>"#,
    );
    assert!(cfg.app_pools.is_empty());
    // A nameless site is kept: its id still identifies W3SVC7.
    assert_eq!(cfg.sites[0].id, Some(7));
    assert!(cfg.sites[0].applications.is_empty());
    assert_eq!(cfg.warnings.len(), 3, "{:#?}", cfg.warnings);
}

#[test]
fn no_application_host_section_gives_empty_lists_and_warning() {
    let cfg = parse(
        &b"<configuration><system.webServer/></configuration>"[..],
        &Limits::default(),
    )
    .unwrap();
    assert!(cfg.sites.is_empty() && cfg.app_pools.is_empty());
    assert_eq!(cfg.warnings.len(), 1);
    assert!(cfg.warnings[0].contains("system.applicationHost"));
}

#[test]
fn location_sections_are_ignored_but_reported() {
    let xml = r#"<configuration>
        <location path="." overrideMode="Allow"><system.applicationHost>
            <applicationPools><add name="Hidden"/></applicationPools>
        </system.applicationHost></location>
        <system.applicationHost><applicationPools><add name="Real"/></applicationPools></system.applicationHost>
        <location path="Default Web Site"><system.webServer><asp/></system.webServer></location>
    </configuration>"#;
    let cfg = parse(xml.as_bytes(), &Limits::default()).unwrap();
    assert_eq!(pool_names(&cfg), ["Real"]);
    assert_eq!(cfg.warnings.len(), 1);
    assert!(cfg.warnings[0].contains("<location>"));
}

#[test]
fn config_source_is_reported() {
    let cfg = apphost(r#"<sites configSource="sites.config"/>"#);
    assert!(cfg.warnings[0].contains("configSource=\"sites.config\""));
}

#[test]
fn bare_application_host_root_is_accepted() {
    let xml = r#"<system.applicationHost><applicationPools><add name="P"/></applicationPools></system.applicationHost>"#;
    let cfg = parse(xml.as_bytes(), &Limits::default()).unwrap();
    assert_eq!(pool_names(&cfg), ["P"]);
    assert!(cfg.warnings.is_empty());
}

#[test]
fn character_references_are_unescaped() {
    let cfg = apphost(r#"<applicationPools><add name="A&amp;B &#x41;&lt;"/></applicationPools>"#);
    assert_eq!(cfg.app_pools[0].name, "A&B A<");
}
