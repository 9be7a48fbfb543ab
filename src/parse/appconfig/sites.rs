//! Sites: raw data collected by the reader and resolution of bindings (site defaults
//! first), application pools (application → site → server `applicationDefaults` →
//! `DefaultAppPool`), `serverAutoStart` and log directory.

use crate::parse::appconfig::collection::{CollOp, KeyedList};
use crate::parse::appconfig::defaults::DEFAULT_APP_POOL;
use crate::parse::appconfig::model::{Application, Binding, Site};
use crate::parse::appconfig::values::{parse_bool, parse_u32, quote};
use crate::parse::appconfig::warnings::Warnings;

/// Key of a binding in its collection (protocol + bindingInformation).
pub(crate) fn binding_key(protocol: &str, info: &str) -> String {
    format!("{protocol}\u{0}{info}")
}

/// One `<application>` as read.
#[derive(Debug, Default, Clone)]
pub(crate) struct RawApp {
    pub(crate) path: String,
    pub(crate) app_pool: Option<String>,
    /// `physicalPath` of the first `<virtualDirectory path="/">`, if any was seen.
    pub(crate) root_vdir: Option<Option<String>>,
}

/// One `<site>` (or `<siteDefaults>`) as read.
#[derive(Debug, Default, Clone)]
pub(crate) struct RawSite {
    pub(crate) name: String,
    pub(crate) id: Option<String>,
    pub(crate) server_auto_start: Option<String>,
    pub(crate) log_directory: Option<String>,
    pub(crate) bindings: Vec<CollOp<Binding>>,
    /// `<applicationDefaults applicationPool>` of this site.
    pub(crate) app_defaults_pool: Option<String>,
    pub(crate) apps: Vec<CollOp<RawApp>>,
    /// Original byte offset of the element (keys nameless sites).
    pub(crate) at: u64,
}

/// Everything read from the `<sites>` section(s).
#[derive(Debug, Default)]
pub(crate) struct RawSites {
    /// `<site>` / `<remove name>` / `<clear/>` in document order.
    pub(crate) ops: Vec<CollOp<RawSite>>,
    /// All `<siteDefaults>` merged (later values win, binding edits appended).
    pub(crate) defaults: RawSite,
    /// `<sites><applicationDefaults applicationPool>`.
    pub(crate) app_defaults_pool: Option<String>,
}

/// A pool name that is present and not blank.
fn non_blank(v: &Option<String>) -> Option<&str> {
    v.as_deref().filter(|s| !s.trim().is_empty())
}

/// What every site inherits: the `<siteDefaults>` resolved, and the server's default
/// application pool.
struct Inherited<'r> {
    bindings: KeyedList<Binding>,
    auto_start: Option<bool>,
    log_directory: Option<String>,
    server_pool: &'r str,
}

/// Resolves sites in document order. `budget` counts bindings copied from
/// `<siteDefaults>` into sites; it returns `false` when exhausted.
pub(crate) fn resolve(
    raw: RawSites,
    warnings: &mut Warnings,
    mut budget: impl FnMut(u64) -> bool,
) -> Option<Vec<Site>> {
    let inherited = inherited(raw.defaults, &raw.app_defaults_pool, warnings);
    let mut sites = KeyedList::default();
    sites.apply(raw.ops, |dup: RawSite| {
        warnings.push(format!(
            "duplicate site {} ignored (first definition kept)",
            quote(&dup.name)
        ));
    });
    let mut out = Vec::with_capacity(sites.len());
    for rs in sites.into_values() {
        out.push(resolve_site(rs, &inherited, warnings, &mut budget)?);
    }
    Some(out)
}

/// Resolves `<siteDefaults>` (and the server's `applicationDefaults` pool).
fn inherited<'r>(
    defaults: RawSite,
    server_pool: &'r Option<String>,
    warnings: &mut Warnings,
) -> Inherited<'r> {
    let mut bindings = KeyedList::default();
    bindings.apply(defaults.bindings, |b: Binding| {
        warnings.push(duplicate_binding("siteDefaults", &b));
    });
    let auto_start = defaults.server_auto_start.as_deref().and_then(|v| {
        parse_bool(v)
            .map_err(|e| {
                warnings.push(format!(
                    "siteDefaults: @serverAutoStart = {}: {e}; ignored",
                    quote(v)
                ))
            })
            .ok()
    });
    Inherited {
        bindings,
        auto_start,
        log_directory: defaults.log_directory,
        server_pool: non_blank(server_pool).unwrap_or(DEFAULT_APP_POOL),
    }
}

fn duplicate_binding(who: &str, b: &Binding) -> String {
    format!(
        "{who}: duplicate binding {} {} ignored",
        quote(&b.protocol),
        quote(&b.binding_information)
    )
}

/// One site: its own values over what it inherits. `None` when the budget is spent.
fn resolve_site(
    rs: RawSite,
    inherited: &Inherited<'_>,
    warnings: &mut Warnings,
    budget: &mut impl FnMut(u64) -> bool,
) -> Option<Site> {
    let who = format!("site {}", quote(&rs.name));
    let id = rs.id.as_deref().and_then(|v| match parse_u32(v) {
        Ok(n) => Some(i64::from(n)),
        Err(e) => {
            warnings.push(format!("{who}: @id = {}: {e}; id unknown", quote(v)));
            None
        }
    });
    let server_auto_start = match rs.server_auto_start.as_deref().map(parse_bool) {
        Some(Ok(b)) => Some(b),
        Some(Err(e)) => {
            warnings.push(format!(
                "{who}: @serverAutoStart = {}: {e}; using inherited value",
                quote(rs.server_auto_start.as_deref().unwrap_or_default())
            ));
            inherited.auto_start
        }
        None => inherited.auto_start,
    };
    if !budget(inherited.bindings.len() as u64) {
        return None;
    }
    let mut bindings = inherited.bindings.clone();
    bindings.apply(rs.bindings, |b: Binding| {
        warnings.push(duplicate_binding(&who, &b));
    });
    let site_pool = non_blank(&rs.app_defaults_pool).unwrap_or(inherited.server_pool);
    Some(Site {
        id,
        applications: applications(rs.apps, site_pool, &who, warnings),
        name: rs.name,
        bindings: bindings.into_values(),
        server_auto_start,
        log_directory: rs.log_directory.or_else(|| inherited.log_directory.clone()),
    })
}

/// A site's applications, each with its pool (its own, else `site_pool`).
fn applications(
    ops: Vec<CollOp<RawApp>>,
    site_pool: &str,
    who: &str,
    warnings: &mut Warnings,
) -> Vec<Application> {
    let mut apps = KeyedList::default();
    apps.apply(ops, |a: RawApp| {
        warnings.push(format!(
            "{who}: duplicate application {} ignored",
            quote(&a.path)
        ));
    });
    apps.into_values()
        .into_iter()
        .map(|a| {
            if a.app_pool.as_deref().is_some_and(|p| p.trim().is_empty()) {
                warnings.push(format!(
                    "{who}: application {}: blank applicationPool; using {}",
                    quote(&a.path),
                    quote(site_pool)
                ));
            }
            Application {
                app_pool: non_blank(&a.app_pool).unwrap_or(site_pool).to_string(),
                physical_path: a.root_vdir.flatten(),
                path: a.path,
            }
        })
        .collect()
}
