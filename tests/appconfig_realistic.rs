//! End-to-end test on a realistic applicationHost.config: every pool field checked
//! against schema defaults, `<applicationPoolDefaults>` and per-pool overrides, and the
//! site → application → pool mapping.

use corvid::parse::appconfig::{parse, AppPool, Application, Binding, Config, Limits};

const REALISTIC: &str = include_str!("fixtures/realistic.config");

fn parse_str(s: &str) -> Config {
    parse(s.as_bytes(), &Limits::default()).expect("parses")
}

fn pool<'c>(cfg: &'c Config, name: &str) -> &'c AppPool {
    cfg.app_pools
        .iter()
        .find(|p| p.name == name)
        .unwrap_or_else(|| panic!("pool {name} missing"))
}

/// What every pool inherits from this fixture's `<applicationPoolDefaults>`:
/// schema defaults plus managedRuntimeVersion v4.0, queueLength 2000,
/// identityType ApplicationPoolIdentity and idleTimeout 00:00:00.
fn inherited(name: &str) -> AppPool {
    AppPool {
        managed_runtime_version: Some("v4.0".into()),
        queue_length: 2000,
        identity_type: Some("ApplicationPoolIdentity".into()),
        idle_timeout_s: 0,
        ..AppPool::schema_default(name)
    }
}

#[test]
fn realistic_config_has_no_warnings_and_document_order() {
    let cfg = parse_str(REALISTIC);
    assert!(cfg.warnings.is_empty(), "{:#?}", cfg.warnings);
    let names: Vec<_> = cfg.app_pools.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(
        names,
        ["DefaultAppPool", "ShopPool", "ApiPool", "LegacyClassic"]
    );
    let sites: Vec<_> = cfg.sites.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(sites, ["Default Web Site", "Shop", "Admin"]);
}

#[test]
fn schema_defaults_are_the_documented_values() {
    let p = AppPool::schema_default("x");
    assert_eq!(p.managed_runtime_version, None);
    assert_eq!(p.pipeline_mode, None);
    assert!(p.auto_start);
    assert_eq!(p.start_mode, "OnDemand");
    assert_eq!(p.queue_length, 1000);
    assert_eq!(p.identity_type, None);
    assert_eq!(p.idle_timeout_s, 20 * 60);
    assert_eq!(p.idle_timeout_action, "Terminate");
    assert_eq!(p.shutdown_time_limit_s, 90);
    assert_eq!(p.startup_time_limit_s, 90);
    assert!(p.ping_enabled);
    assert_eq!(p.ping_interval_s, 30);
    assert_eq!(p.ping_response_time_s, 90);
    assert_eq!(p.max_processes, 1);
    assert!(!p.disallow_overlapping_rotation);
    assert!(!p.disallow_rotation_on_config_change);
    assert_eq!(
        p.log_event_on_recycle,
        "Time, Requests, Schedule, Memory, IsapiUnhealthy, OnDemand, ConfigChange, PrivateMemory"
    );
    assert_eq!(p.periodic_restart_time_s, 1740 * 60);
    assert_eq!(p.periodic_restart_requests, 0);
    assert_eq!(p.periodic_restart_memory_kb, 0);
    assert_eq!(p.periodic_restart_private_memory_kb, 0);
    assert!(p.periodic_restart_schedule.is_empty());
    assert!(p.rapid_fail_protection);
    assert_eq!(p.rapid_fail_protection_interval_s, 300);
    assert_eq!(p.rapid_fail_protection_max_crashes, 5);
    assert_eq!(p.load_balancer_capabilities, "HttpLevel");
}

#[test]
fn pool_with_no_attributes_gets_defaults_element_then_schema() {
    let cfg = parse_str(REALISTIC);
    let p = pool(&cfg, "DefaultAppPool");
    // From <applicationPoolDefaults>.
    assert_eq!(p.managed_runtime_version.as_deref(), Some("v4.0"));
    assert_eq!(p.queue_length, 2000);
    assert_eq!(p.identity_type.as_deref(), Some("ApplicationPoolIdentity"));
    assert_eq!(p.idle_timeout_s, 0);
    // From the schema.
    assert_eq!(p.pipeline_mode, None);
    assert_eq!(p.periodic_restart_time_s, 29 * 3600);
    assert_eq!(p.shutdown_time_limit_s, 90);
    assert!(p.rapid_fail_protection);
    // Whole struct: nothing else differs.
    assert_eq!(*p, inherited("DefaultAppPool"));
}

#[test]
fn fully_overridden_pool() {
    let cfg = parse_str(REALISTIC);
    let p = pool(&cfg, "ShopPool");
    let expected = AppPool {
        pipeline_mode: Some("Integrated".into()),
        start_mode: "AlwaysRunning".into(),
        auto_start: true,
        queue_length: 5000,
        identity_type: Some("SpecificUser".into()),
        idle_timeout_s: 45 * 60,
        idle_timeout_action: "Suspend".into(),
        shutdown_time_limit_s: 120,
        startup_time_limit_s: 45,
        ping_interval_s: 60,
        ping_response_time_s: 150,
        max_processes: 2,
        disallow_overlapping_rotation: true,
        log_event_on_recycle: "Time, Memory, PrivateMemory".into(),
        periodic_restart_time_s: 0,
        periodic_restart_requests: 100_000,
        periodic_restart_memory_kb: 4_194_304,
        periodic_restart_private_memory_kb: 2_097_152,
        periodic_restart_schedule: vec!["03:00:00".into(), "15:30:00".into()],
        rapid_fail_protection_interval_s: 600,
        rapid_fail_protection_max_crashes: 10,
        load_balancer_capabilities: "TcpLevel".into(),
        ..inherited("ShopPool")
    };
    assert_eq!(*p, expected);
    // Inherited despite the many overrides.
    assert_eq!(p.managed_runtime_version.as_deref(), Some("v4.0"));
    assert!(p.ping_enabled);
    assert!(p.rapid_fail_protection);
    assert!(!p.disallow_rotation_on_config_change);
}

#[test]
fn partially_overridden_pools() {
    let cfg = parse_str(REALISTIC);
    let api = pool(&cfg, "ApiPool");
    assert_eq!(
        *api,
        AppPool {
            managed_runtime_version: Some(String::new()),
            ping_enabled: false,
            periodic_restart_time_s: 86_400,
            rapid_fail_protection: false,
            ..inherited("ApiPool")
        }
    );
    let legacy = pool(&cfg, "LegacyClassic");
    assert_eq!(
        *legacy,
        AppPool {
            managed_runtime_version: Some("v2.0".into()),
            pipeline_mode: Some("Classic".into()),
            auto_start: false,
            identity_type: Some("NetworkService".into()),
            disallow_rotation_on_config_change: true,
            ..inherited("LegacyClassic")
        }
    );
}

#[test]
fn sites_applications_and_pool_resolution() {
    let cfg = parse_str(REALISTIC);
    let dws = &cfg.sites[0];
    assert_eq!(dws.id, Some(1));
    assert_eq!(dws.server_auto_start, None);
    assert_eq!(
        dws.log_directory.as_deref(),
        Some(r"%SystemDrive%\inetpub\logs\LogFiles")
    );
    assert_eq!(
        dws.bindings,
        vec![Binding {
            protocol: "http".into(),
            binding_information: "*:80:".into()
        }]
    );
    // No explicit pool, no site applicationDefaults → <sites><applicationDefaults>.
    assert_eq!(
        dws.applications,
        vec![Application {
            path: "/".into(),
            app_pool: "DefaultAppPool".into(),
            physical_path: Some(r"%SystemDrive%\inetpub\wwwroot".into()),
        }]
    );

    let shop = &cfg.sites[1];
    assert_eq!((shop.id, shop.server_auto_start), (Some(2), Some(true)));
    assert_eq!(shop.log_directory.as_deref(), Some(r"E:\logs\shop"));
    assert_eq!(shop.bindings.len(), 2);
    assert_eq!(shop.bindings[1].protocol, "https");
    assert_eq!(
        shop.bindings[1].binding_information,
        "*:443:shop.example.com"
    );
    // Two applications on two pools; "/" uses the site's <applicationDefaults>,
    // which appears after the applications in the document.
    assert_eq!(
        shop.applications,
        vec![
            Application {
                path: "/".into(),
                app_pool: "ShopPool".into(),
                physical_path: Some(r"D:\sites\shop".into()),
            },
            Application {
                path: "/api".into(),
                app_pool: "ApiPool".into(),
                physical_path: Some(r"D:\sites\shop-api".into()),
            },
        ]
    );

    let admin = &cfg.sites[2];
    assert_eq!((admin.id, admin.server_auto_start), (Some(3), Some(false)));
    assert_eq!(admin.applications[0].app_pool, "ShopPool");
    assert_eq!(admin.applications[1].app_pool, "LegacyClassic");
    assert_eq!(admin.applications[1].physical_path, None);

    // ShopPool serves two sites.
    let serving: Vec<_> = cfg
        .sites
        .iter()
        .filter(|s| s.applications.iter().any(|a| a.app_pool == "ShopPool"))
        .map(|s| s.name.as_str())
        .collect();
    assert_eq!(serving, ["Shop", "Admin"]);
}

#[test]
fn encrypted_password_and_entities_in_unused_attributes_are_harmless() {
    // The fixture's password attribute contains &amp;; it is never read or warned about.
    let cfg = parse_str(REALISTIC);
    assert!(cfg.warnings.is_empty());
}
