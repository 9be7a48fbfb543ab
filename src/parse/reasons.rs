//! HTTP.sys reason phrases (`s-reason`) and their classes (domain.md §1.4).

/// The class of a reason phrase, as written in the `reason_class` column.
pub fn class_of(reason: &str) -> &'static str {
    match reason {
        "AppOffline"
        | "AppPoolTimer"
        | "AppShutdown"
        | "Connection_Abandoned_By_AppPool"
        | "Connection_Abandoned_By_ReqQueue"
        | "Disabled"
        | "QueueFull"
        | "Timer_AppPool"
        | "Timer_ReqQueue" => "app_pool",
        "ConnLimit" | "Connections_Refused" | "Internal" | "N/A" | "NotFound" => "capacity",
        "Client_Reset"
        | "Connection_Dropped"
        | "Connection_Dropped_List_Full"
        | "Timer_EntityBody"
        | "Timer_HeaderWait"
        | "Timer_MinBytesPerSecond"
        | "Timer_SslRenegotiation"
        | "Request_Cancelled" => "client",
        "BadRequest" | "Verb" | "URL" | "Header" | "Hostname" | "Number" | "Invalid_CR/LF"
        | "FieldLength" | "RequestLength" | "URL_Length" | "EntityTooLarge" | "LengthRequired"
        | "Precondition" | "Forbidden" | "Version_N/S" | "N/I" | "Request_Too_Large" => "protocol",
        "Timer_ConnectionIdle" => "benign",
        _ => "unknown",
    }
}

/// Whether the phrase is one HTTP.sys is known to write.
pub fn is_known(reason: &str) -> bool {
    class_of(reason) != "unknown" || reason == "Timer_Response"
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classes_follow_the_domain_table() {
        assert_eq!(class_of("Connection_Abandoned_By_ReqQueue"), "app_pool");
        assert_eq!(class_of("QueueFull"), "app_pool");
        assert_eq!(class_of("ConnLimit"), "capacity");
        assert_eq!(class_of("Connection_Dropped"), "client");
        assert_eq!(class_of("URL"), "protocol");
        assert_eq!(class_of("Timer_ConnectionIdle"), "benign");
        assert_eq!(class_of("Something_New"), "unknown");
        assert!(is_known("Timer_Response"));
    }
}
