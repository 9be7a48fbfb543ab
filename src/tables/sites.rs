//! The `sites` table: sites and their applications from applicationHost.config.

super::define_table! {
    /// Builder for the `sites` table.
    SitesTable, SitesRow, Sites, "sites",
    "One row per application of each site in applicationHost.config (a site with two applications has two rows).",
    {
        bundle_id: Str = "Bundle the row comes from.",
        source_file: Str = "Path of the applicationHost.config inside the bundle.",
        site_id: I64 = "Site id (the N of `W3SVC<N>` and of HTTPERR `s-siteid`).",
        site_name: Str = "Site name.",
        bindings: Str = "Bindings as `protocol/bindingInformation`, comma-separated.",
        app_path: Str = "Application virtual path (`/`, `/api`).",
        app_pool: Str = "Application pool serving this application.",
        physical_path: Str = "Physical path of the application's root virtual directory.",
        server_auto_start: Bool = "`serverAutoStart` of the site.",
    }
}
