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

/// Resolves sites in document order. `budget` counts bindings copied from
/// `<siteDefaults>` into sites; it returns `false` when exhausted.
pub(crate) fn resolve(
    raw: RawSites,
    warnings: &mut Warnings,
    mut budget: impl FnMut(u64) -> bool,
) -> Option<Vec<Site>> {
    let mut default_bindings = KeyedList::default();
    default_bindings.apply(raw.defaults.bindings, |b: Binding| {
        warnings.push(format!(
            "siteDefaults: duplicate binding {} {} ignored",
            quote(&b.protocol),
            quote(&b.binding_information)
        ));
    });
    let default_auto_start = raw.defaults.server_auto_start.as_deref().and_then(|v| {
        parse_bool(v)
            .map_err(|e| {
                warnings.push(format!(
                    "siteDefaults: @serverAutoStart = {}: {e}; ignored",
                    quote(v)
                ))
            })
            .ok()
    });
    let server_pool = non_blank(&raw.app_defaults_pool).unwrap_or(DEFAULT_APP_POOL);

    let mut sites = KeyedList::default();
    sites.apply(raw.ops, |dup: RawSite| {
        warnings.push(format!(
            "duplicate site {} ignored (first definition kept)",
            quote(&dup.name)
        ));
    });

    let mut out = Vec::with_capacity(sites.len());
    for rs in sites.into_values() {
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
                default_auto_start
            }
            None => default_auto_start,
        };
        if !budget(default_bindings.len() as u64) {
            return None;
        }
        let mut bindings = default_bindings.clone();
        bindings.apply(rs.bindings, |b: Binding| {
            warnings.push(format!(
                "{who}: duplicate binding {} {} ignored",
                quote(&b.protocol),
                quote(&b.binding_information)
            ));
        });

        let site_pool = non_blank(&rs.app_defaults_pool).unwrap_or(server_pool);
        let mut apps = KeyedList::default();
        apps.apply(rs.apps, |a: RawApp| {
            warnings.push(format!(
                "{who}: duplicate application {} ignored",
                quote(&a.path)
            ));
        });
        let applications = apps
            .into_values()
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
            .collect();

        out.push(Site {
            id,
            name: rs.name,
            bindings: bindings.into_values(),
            applications,
            server_auto_start,
            log_directory: rs
                .log_directory
                .or_else(|| raw.defaults.log_directory.clone()),
        });
    }
    Some(out)
}
