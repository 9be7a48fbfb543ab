//! Windows codes the logs carry: exception codes (Application Error, WER, WAS exit
//! codes) and the Win32 statuses of W3C lines that mean the connection broke.

/// Win32 statuses (`sc-win32-status`) that mean the connection broke (domain.md §2.7):
/// code, symbol, and what it usually means in an IIS log.
const BROKEN_WIN32: &[(i64, &str, &str)] = &[
    (64, "ERROR_NETNAME_DELETED", "the client went away or reset the connection before the response was fully sent (often with a huge time-taken)"),
    (121, "ERROR_SEM_TIMEOUT", "a network send timed out"),
    (995, "ERROR_OPERATION_ABORTED", "the I/O was cancelled: the client disconnected, or the process or application shut down"),
    (1229, "ERROR_CONNECTION_INVALID", "the connection was already gone"),
    (1236, "ERROR_CONNECTION_ABORTED", "the server side aborted the connection (the application or worker aborted it)"),
];

/// Whether a W3C `sc-win32-status` means the connection broke.
pub fn is_broken_connection(win32: i64) -> bool {
    BROKEN_WIN32.iter().any(|b| b.0 == win32)
}

/// The symbol and meaning of a broken-connection Win32 status.
pub fn broken_connection(win32: i64) -> Option<(&'static str, &'static str)> {
    BROKEN_WIN32
        .iter()
        .find(|b| b.0 == win32)
        .map(|b| (b.1, b.2))
}

/// The name of a Windows exception code (`0x` + 8 hex digits, any case).
pub fn exception_name(code: &str) -> Option<&'static str> {
    Some(match code.to_ascii_lowercase().as_str() {
        "0xc0000005" => "access violation",
        "0xc00000fd" => "stack overflow",
        "0xc0000409" => "stack buffer overrun (fail-fast)",
        "0xc0000374" => "heap corruption",
        "0xe0434352" => "CLR exception (unhandled .NET exception)",
        "0xe0434f4d" => "CLR exception (unhandled .NET exception, .NET 2.0)",
        "0xc0000017" => "out of memory",
        "0x80000003" => "breakpoint",
        "0xc000001d" => "illegal instruction",
        "0xc0000602" => "fail-fast exception",
        "0xc06d007e" => "module not found (delay load)",
        "0x800703e9" => "stack overflow (HRESULT)",
        "0xffffffff" => "fatal error (exit -1)",
        "0xfffffffd" => "killed by WAS",
        "0xfffffffe" => "clean exit",
        _ => return None,
    })
}
