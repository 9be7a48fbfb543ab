//! Application pools: raw attributes collected by the reader, the table of known
//! pool attributes, and resolution pool → `<applicationPoolDefaults>` → schema default.

use crate::parse::appconfig::collection::{CollOp, KeyedList};
use crate::parse::appconfig::model::AppPool;
use crate::parse::appconfig::timespan::{format_timespan, parse_time_of_day};
use crate::parse::appconfig::values::{
    parse_bool, parse_enum, parse_flags, parse_secs, parse_u32, parse_u64, quote, ValueError,
};
use crate::parse::appconfig::warnings::Warnings;

/// Element of a pool (or of the pool defaults) that carries attributes we read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum PoolSub {
    /// `<add>` / `<applicationPoolDefaults>` itself.
    Root,
    /// `<processModel>`.
    ProcessModel,
    /// `<recycling>`.
    Recycling,
    /// `<recycling><periodicRestart>`.
    PeriodicRestart,
    /// `<failure>`.
    Failure,
}

impl PoolSub {
    /// XML element name.
    pub(crate) fn element(self) -> &'static str {
        match self {
            PoolSub::Root => "add",
            PoolSub::ProcessModel => "processModel",
            PoolSub::Recycling => "recycling",
            PoolSub::PeriodicRestart => "periodicRestart",
            PoolSub::Failure => "failure",
        }
    }

    /// Path below the pool element, for messages.
    fn tag(self) -> &'static str {
        match self {
            PoolSub::Root => "",
            PoolSub::ProcessModel => "processModel",
            PoolSub::Recycling => "recycling",
            PoolSub::PeriodicRestart => "recycling/periodicRestart",
            PoolSub::Failure => "failure",
        }
    }
}

/// Attributes and schedule edits of one `<add>` or of `<applicationPoolDefaults>`.
#[derive(Debug, Default, Clone)]
pub(crate) struct RawPool {
    /// `name` (empty for the defaults element).
    pub(crate) name: String,
    /// Known attributes in document order: (element, attribute, value).
    pub(crate) attrs: Vec<(PoolSub, &'static str, String)>,
    /// `<schedule>` edits; key = normalised time or the raw value.
    pub(crate) schedule: Vec<CollOp<String>>,
}

/// Everything read from the `<applicationPools>` section(s).
#[derive(Debug, Default)]
pub(crate) struct RawPools {
    /// `<add>` / `<remove name>` / `<clear/>` in document order.
    pub(crate) ops: Vec<CollOp<RawPool>>,
    /// All `<applicationPoolDefaults>` elements merged (later attributes win).
    pub(crate) defaults: RawPool,
}

type Setter = fn(&mut AppPool, &str) -> Result<(), ValueError>;
type Shower = fn(&AppPool) -> String;

/// One attribute the model holds.
struct Field {
    sub: PoolSub,
    attr: &'static str,
    set: Setter,
    show: Shower,
}

const START_MODES: &[&str] = &["OnDemand", "AlwaysRunning"];
const PIPELINE_MODES: &[&str] = &["Integrated", "Classic"];
const IDENTITY_TYPES: &[&str] = &[
    "ApplicationPoolIdentity",
    "LocalSystem",
    "LocalService",
    "NetworkService",
    "SpecificUser",
];
const IDLE_ACTIONS: &[&str] = &["Terminate", "Suspend"];
const LB_CAPABILITIES: &[&str] = &["HttpLevel", "TcpLevel"];
/// `logEventOnRecycle` flag names and bits (recycling/index.md).
const RECYCLE_FLAGS: &[(&str, u64)] = &[
    ("Time", 1),
    ("Requests", 2),
    ("Schedule", 4),
    ("Memory", 8),
    ("IsapiUnhealthy", 16),
    ("OnDemand", 32),
    ("ConfigChange", 64),
    ("PrivateMemory", 128),
];

fn show_opt(v: &Option<String>) -> String {
    v.as_deref().map_or_else(|| "(unset)".to_string(), quote)
}

/// Every pool attribute the model holds, with its parser and display.
const FIELDS: &[Field] = &[
    Field {
        sub: PoolSub::Root,
        attr: "managedRuntimeVersion",
        set: |p, v| {
            p.managed_runtime_version = Some(v.to_string());
            Ok(())
        },
        show: |p| show_opt(&p.managed_runtime_version),
    },
    Field {
        sub: PoolSub::Root,
        attr: "managedPipelineMode",
        set: |p, v| {
            p.pipeline_mode = Some(parse_enum(v, PIPELINE_MODES)?);
            Ok(())
        },
        show: |p| show_opt(&p.pipeline_mode),
    },
    Field {
        sub: PoolSub::Root,
        attr: "autoStart",
        set: |p, v| {
            p.auto_start = parse_bool(v)?;
            Ok(())
        },
        show: |p| p.auto_start.to_string(),
    },
    Field {
        sub: PoolSub::Root,
        attr: "startMode",
        set: |p, v| {
            p.start_mode = parse_enum(v, START_MODES)?;
            Ok(())
        },
        show: |p| p.start_mode.clone(),
    },
    Field {
        sub: PoolSub::Root,
        attr: "queueLength",
        set: |p, v| {
            p.queue_length = parse_u32(v)?;
            Ok(())
        },
        show: |p| p.queue_length.to_string(),
    },
    Field {
        sub: PoolSub::ProcessModel,
        attr: "identityType",
        set: |p, v| {
            p.identity_type = Some(parse_enum(v, IDENTITY_TYPES)?);
            Ok(())
        },
        show: |p| show_opt(&p.identity_type),
    },
    Field {
        sub: PoolSub::ProcessModel,
        attr: "idleTimeout",
        set: |p, v| {
            p.idle_timeout_s = parse_secs(v)?;
            Ok(())
        },
        show: |p| format_timespan(p.idle_timeout_s),
    },
    Field {
        sub: PoolSub::ProcessModel,
        attr: "idleTimeoutAction",
        set: |p, v| {
            p.idle_timeout_action = parse_enum(v, IDLE_ACTIONS)?;
            Ok(())
        },
        show: |p| p.idle_timeout_action.clone(),
    },
    Field {
        sub: PoolSub::ProcessModel,
        attr: "shutdownTimeLimit",
        set: |p, v| {
            p.shutdown_time_limit_s = parse_secs(v)?;
            Ok(())
        },
        show: |p| format_timespan(p.shutdown_time_limit_s),
    },
    Field {
        sub: PoolSub::ProcessModel,
        attr: "startupTimeLimit",
        set: |p, v| {
            p.startup_time_limit_s = parse_secs(v)?;
            Ok(())
        },
        show: |p| format_timespan(p.startup_time_limit_s),
    },
    Field {
        sub: PoolSub::ProcessModel,
        attr: "pingingEnabled",
        set: |p, v| {
            p.ping_enabled = parse_bool(v)?;
            Ok(())
        },
        show: |p| p.ping_enabled.to_string(),
    },
    Field {
        sub: PoolSub::ProcessModel,
        attr: "pingInterval",
        set: |p, v| {
            p.ping_interval_s = parse_secs(v)?;
            Ok(())
        },
        show: |p| format_timespan(p.ping_interval_s),
    },
    Field {
        sub: PoolSub::ProcessModel,
        attr: "pingResponseTime",
        set: |p, v| {
            p.ping_response_time_s = parse_secs(v)?;
            Ok(())
        },
        show: |p| format_timespan(p.ping_response_time_s),
    },
    Field {
        sub: PoolSub::ProcessModel,
        attr: "maxProcesses",
        set: |p, v| {
            p.max_processes = parse_u32(v)?;
            Ok(())
        },
        show: |p| p.max_processes.to_string(),
    },
    Field {
        sub: PoolSub::Recycling,
        attr: "disallowOverlappingRotation",
        set: |p, v| {
            p.disallow_overlapping_rotation = parse_bool(v)?;
            Ok(())
        },
        show: |p| p.disallow_overlapping_rotation.to_string(),
    },
    Field {
        sub: PoolSub::Recycling,
        attr: "disallowRotationOnConfigChange",
        set: |p, v| {
            p.disallow_rotation_on_config_change = parse_bool(v)?;
            Ok(())
        },
        show: |p| p.disallow_rotation_on_config_change.to_string(),
    },
    Field {
        sub: PoolSub::Recycling,
        attr: "logEventOnRecycle",
        set: |p, v| {
            p.log_event_on_recycle = parse_flags(v, RECYCLE_FLAGS)?;
            Ok(())
        },
        show: |p| quote(&p.log_event_on_recycle),
    },
    Field {
        sub: PoolSub::PeriodicRestart,
        attr: "time",
        set: |p, v| {
            p.periodic_restart_time_s = parse_secs(v)?;
            Ok(())
        },
        show: |p| format_timespan(p.periodic_restart_time_s),
    },
    Field {
        sub: PoolSub::PeriodicRestart,
        attr: "requests",
        set: |p, v| {
            p.periodic_restart_requests = parse_u64(v)?;
            Ok(())
        },
        show: |p| p.periodic_restart_requests.to_string(),
    },
    Field {
        sub: PoolSub::PeriodicRestart,
        attr: "memory",
        set: |p, v| {
            p.periodic_restart_memory_kb = parse_u64(v)?;
            Ok(())
        },
        show: |p| p.periodic_restart_memory_kb.to_string(),
    },
    Field {
        sub: PoolSub::PeriodicRestart,
        attr: "privateMemory",
        set: |p, v| {
            p.periodic_restart_private_memory_kb = parse_u64(v)?;
            Ok(())
        },
        show: |p| p.periodic_restart_private_memory_kb.to_string(),
    },
    Field {
        sub: PoolSub::Failure,
        attr: "rapidFailProtection",
        set: |p, v| {
            p.rapid_fail_protection = parse_bool(v)?;
            Ok(())
        },
        show: |p| p.rapid_fail_protection.to_string(),
    },
    Field {
        sub: PoolSub::Failure,
        attr: "rapidFailProtectionInterval",
        set: |p, v| {
            p.rapid_fail_protection_interval_s = parse_secs(v)?;
            Ok(())
        },
        show: |p| format_timespan(p.rapid_fail_protection_interval_s),
    },
    Field {
        sub: PoolSub::Failure,
        attr: "rapidFailProtectionMaxCrashes",
        set: |p, v| {
            p.rapid_fail_protection_max_crashes = parse_u32(v)?;
            Ok(())
        },
        show: |p| p.rapid_fail_protection_max_crashes.to_string(),
    },
    Field {
        sub: PoolSub::Failure,
        attr: "loadBalancerCapabilities",
        set: |p, v| {
            p.load_balancer_capabilities = parse_enum(v, LB_CAPABILITIES)?;
            Ok(())
        },
        show: |p| p.load_balancer_capabilities.clone(),
    },
];

/// The interned attribute name if `(sub, attr)` is an attribute the model holds.
pub(crate) fn known_attr(sub: PoolSub, attr: &[u8]) -> Option<&'static str> {
    FIELDS
        .iter()
        .find(|f| f.sub == sub && f.attr.as_bytes() == attr)
        .map(|f| f.attr)
}

/// Normalises a schedule value to `HH:MM:SS`.
pub(crate) fn schedule_key(value: &str) -> Result<String, ValueError> {
    let secs = parse_time_of_day(value)?;
    Ok(format_timespan(secs))
}

/// Overlays `raw.attrs` on `pool`; an unusable value keeps the current one and warns.
fn apply_attrs(pool: &mut AppPool, raw: &RawPool, who: &str, warnings: &mut Warnings) {
    for (sub, attr, value) in &raw.attrs {
        let Some(field) = FIELDS.iter().find(|f| f.sub == *sub && f.attr == *attr) else {
            continue;
        };
        if let Err(e) = (field.set)(pool, value) {
            let elem = match sub.tag() {
                "" => String::new(),
                t => format!("{t}/"),
            };
            warnings.push(format!(
                "{who}: {elem}@{attr} = {}: {e}; keeping {}",
                quote(value),
                (field.show)(pool)
            ));
        }
    }
}

/// Resolves pools in document order. `budget` counts schedule entries copied from the
/// defaults into pools; it returns `false` when exhausted (caller raises the limit).
pub(crate) fn resolve(
    raw: RawPools,
    warnings: &mut Warnings,
    mut budget: impl FnMut(u64) -> bool,
) -> Option<Vec<AppPool>> {
    let mut template = AppPool::schema_default("");
    apply_attrs(
        &mut template,
        &raw.defaults,
        "applicationPoolDefaults",
        warnings,
    );
    let mut default_schedule = KeyedList::default();
    default_schedule.apply(raw.defaults.schedule, |v: String| {
        warnings.push(format!(
            "applicationPoolDefaults: duplicate schedule entry {} ignored",
            quote(&v)
        ));
    });

    let mut pools = KeyedList::default();
    pools.apply(raw.ops, |dup: RawPool| {
        warnings.push(format!(
            "duplicate application pool {} ignored (first definition kept)",
            quote(&dup.name)
        ));
    });

    let mut out = Vec::with_capacity(pools.len());
    for rp in pools.into_values() {
        let who = format!("app pool {}", quote(&rp.name));
        let mut pool = template.clone();
        pool.name = rp.name.clone();
        apply_attrs(&mut pool, &rp, &who, warnings);
        if !budget(default_schedule.len() as u64) {
            return None;
        }
        let mut schedule = default_schedule.clone();
        schedule.apply(rp.schedule, |v: String| {
            warnings.push(format!(
                "{who}: duplicate schedule entry {} ignored",
                quote(&v)
            ));
        });
        pool.periodic_restart_schedule = schedule.into_values();
        out.push(pool);
    }
    Some(out)
}
