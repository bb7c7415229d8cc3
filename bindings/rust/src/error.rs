//! Status codes of vdp.h and [`Error`], the error object of a failed call.

use std::fmt;

use crate::json::Value;

/// The status codes of vdp.h (`VDP_OK`, `VDP_E_*`). Numbers are stable; a number this binding does not
/// know is treated as [`Status::Internal`] (the raw number stays in [`Error::code`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[repr(i32)]
pub enum Status {
    Ok = 0,
    InvalidArgument = 1,
    NotFound = 2,
    AlreadyExists = 3,
    FailedPrecondition = 4,
    ResourceExhausted = 5,
    Aborted = 6,
    NotSupported = 7,
    Config = 8,
    Auth = 9,
    Backend = 10,
    Unavailable = 11,
    Timeout = 12,
    Cancelled = 13,
    AbiMismatch = 14,
    Internal = 15,
    BufferTooSmall = 16,
}

const ALL: [Status; 17] = [
    Status::Ok,
    Status::InvalidArgument,
    Status::NotFound,
    Status::AlreadyExists,
    Status::FailedPrecondition,
    Status::ResourceExhausted,
    Status::Aborted,
    Status::NotSupported,
    Status::Config,
    Status::Auth,
    Status::Backend,
    Status::Unavailable,
    Status::Timeout,
    Status::Cancelled,
    Status::AbiMismatch,
    Status::Internal,
    Status::BufferTooSmall,
];

impl Status {
    /// Every status, in numeric order.
    pub fn all() -> &'static [Status] {
        &ALL
    }

    /// The status for a vdp.h number; unknown numbers are `Internal` (vdp.h: "treats it as VDP_E_INTERNAL").
    pub fn from_code(code: i32) -> Status {
        usize::try_from(code)
            .ok()
            .and_then(|i| ALL.get(i))
            .copied()
            .unwrap_or(Status::Internal)
    }

    /// The vdp.h number.
    pub fn code(self) -> i32 {
        self as i32
    }

    /// `vdp_status_name`: the name used in the error object's "status" member.
    pub fn name(self) -> &'static str {
        match self {
            Status::Ok => "OK",
            Status::InvalidArgument => "INVALID_ARGUMENT",
            Status::NotFound => "NOT_FOUND",
            Status::AlreadyExists => "ALREADY_EXISTS",
            Status::FailedPrecondition => "FAILED_PRECONDITION",
            Status::ResourceExhausted => "RESOURCE_EXHAUSTED",
            Status::Aborted => "ABORTED",
            Status::NotSupported => "NOT_SUPPORTED",
            Status::Config => "CONFIG",
            Status::Auth => "AUTH",
            Status::Backend => "BACKEND",
            Status::Unavailable => "UNAVAILABLE",
            Status::Timeout => "TIMEOUT",
            Status::Cancelled => "CANCELLED",
            Status::AbiMismatch => "ABI_MISMATCH",
            Status::Internal => "INTERNAL",
            Status::BufferTooSmall => "BUFFER_TOO_SMALL",
        }
    }

    /// The status named `name` (as in an error object), if any.
    pub fn from_name(name: &str) -> Option<Status> {
        ALL.iter().copied().find(|s| s.name() == name)
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A failed call: the plugin's error object (vdp.h, "Error object"), or a failure of the binding
/// itself (loading the plugin, a request it cannot send), which carries the same fields.
#[derive(Debug, Clone, PartialEq)]
pub struct Error {
    /// The status; the call's return code wins over the error object's "status".
    pub status: Status,
    /// The raw status number (differs from `status.code()` only for a number this binding does not know).
    pub code: i32,
    pub message: String,
    /// `details.field`: the offending request field (dotted path) or configuration option.
    pub field: Option<String>,
    /// The backend's error name (e.g. "xVolumeIDDoesNotExist").
    pub backend_error: Option<String>,
    /// Worth repeating later.
    pub retryable: bool,
    /// A change may have reached the backend (only with `Timeout` / `Cancelled`): repeat the same request
    /// to learn the outcome.
    pub outcome_unknown: bool,
    pub request_id: Option<String>,
    /// The operation that failed ("create_volume", "create" for driver creation, "open" for loading).
    pub operation: Option<String>,
    /// The error object's "details" (`null` when absent).
    pub details: Value,
}

fn opt_string(v: &Value) -> Option<String> {
    match v {
        Value::Null => None,
        Value::String(s) => Some(s.clone()),
        other => Some(other.to_string()),
    }
}

impl Error {
    /// An error made by the binding (no error object from the plugin).
    pub fn new(status: Status, message: impl Into<String>) -> Error {
        Error {
            status,
            code: status.code(),
            message: message.into(),
            field: None,
            backend_error: None,
            retryable: false,
            outcome_unknown: false,
            request_id: None,
            operation: None,
            details: Value::Null,
        }
    }

    pub(crate) fn with_operation(mut self, op: &str) -> Error {
        self.operation = Some(op.to_owned());
        self
    }

    pub(crate) fn with_request_id(mut self, id: &str) -> Error {
        self.request_id = Some(id.to_owned());
        self
    }

    pub(crate) fn with_field(mut self, field: &str) -> Error {
        self.field = Some(field.to_owned());
        self
    }

    /// The error for return code `rc` and the plugin's error object text (None: the plugin could not
    /// allocate one). `operation` and `request_id` fill in what the object lacks.
    pub fn from_plugin(
        rc: i32,
        object: Option<&str>,
        operation: &str,
        request_id: Option<&str>,
    ) -> Error {
        let status = Status::from_code(rc);
        let mut e = Error::new(status, "");
        e.code = rc;
        match object.map(Value::parse) {
            Some(Ok(obj)) if obj.as_object().is_some() => {
                e.message = obj["message"].as_str().unwrap_or("").to_owned();
                e.field = opt_string(&obj["details"]["field"]);
                e.backend_error = opt_string(&obj["backend_error"]);
                e.retryable = obj["retryable"].as_bool().unwrap_or(false);
                e.outcome_unknown = obj["outcome_unknown"].as_bool().unwrap_or(false);
                e.request_id = opt_string(&obj["request_id"]);
                e.operation = opt_string(&obj["operation"]);
                e.details = obj["details"].clone();
            }
            Some(_) => {
                e.message = format!(
                    "the plugin's error object is not a JSON object: {}",
                    object.unwrap_or("")
                )
            }
            None => e.message = "no error object (the plugin could not allocate it)".to_owned(),
        }
        if e.operation.is_none() {
            e.operation = Some(operation.to_owned());
        }
        if e.request_id.is_none() {
            e.request_id = request_id.map(str::to_owned);
        }
        e
    }

    /// The error object as vdp.h shapes it.
    pub fn to_json(&self) -> Value {
        let mut o = Value::empty_object();
        o.insert("status", self.status.name());
        o.insert("code", self.code);
        o.insert("message", self.message.as_str());
        o.insert("operation", self.operation.clone());
        o.insert("backend_error", self.backend_error.clone());
        o.insert("retryable", self.retryable);
        o.insert("outcome_unknown", self.outcome_unknown);
        o.insert("request_id", self.request_id.clone());
        let mut details = if self.details.as_object().is_some() {
            self.details.clone()
        } else {
            Value::empty_object()
        };
        if let Some(f) = &self.field {
            details.insert("field", f.as_str());
        }
        o.insert("details", details);
        o
    }
}

/// `create_volume: INVALID_ARGUMENT [volume.size]: volume.size: must be at least 1 (GiB) (request req-1)`
impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(op) = &self.operation {
            write!(f, "{}: ", op)?;
        }
        f.write_str(self.status.name())?;
        if self.code != self.status.code() {
            write!(f, " (status {})", self.code)?;
        }
        if let Some(field) = &self.field {
            write!(f, " [{}]", field)?;
        }
        if !self.message.is_empty() {
            write!(f, ": {}", self.message)?;
        }
        if self.outcome_unknown {
            f.write_str(" (outcome unknown: repeat the request)")?;
        }
        if let Some(rid) = &self.request_id {
            write!(f, " (request {})", rid)?;
        }
        Ok(())
    }
}

impl std::error::Error for Error {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_status_round_trips() {
        for (i, s) in Status::all().iter().enumerate() {
            assert_eq!(s.code(), i as i32);
            assert_eq!(Status::from_code(s.code()), *s);
            assert_eq!(Status::from_name(s.name()), Some(*s));
        }
        assert_eq!(Status::from_code(17), Status::Internal);
        assert_eq!(Status::from_code(-1), Status::Internal);
        assert_eq!(Status::Timeout.to_string(), "TIMEOUT");
    }

    #[test]
    fn from_error_object() {
        let text = r#"{"status":"INVALID_ARGUMENT","code":1,"message":"volume.size: must be at least 1 (GiB)",
            "operation":"create_volume","backend_error":null,"retryable":false,"outcome_unknown":false,
            "request_id":"req-1","details":{"field":"volume.size"}}"#;
        let e = Error::from_plugin(1, Some(text), "x", None);
        assert_eq!(e.status, Status::InvalidArgument);
        assert_eq!(e.field.as_deref(), Some("volume.size"));
        assert_eq!(e.operation.as_deref(), Some("create_volume"));
        assert_eq!(e.request_id.as_deref(), Some("req-1"));
        assert_eq!(e.backend_error, None);
        assert_eq!(
            e.to_string(),
            "create_volume: INVALID_ARGUMENT [volume.size]: volume.size: must be at least 1 (GiB) (request req-1)"
        );
        let back = e.to_json();
        assert_eq!(back["details"]["field"].as_str(), Some("volume.size"));
        assert_eq!(Error::from_plugin(1, Some(&back.to_string()), "x", None), e);

        let unknown = Error::from_plugin(99, None, "delete_volume", Some("r"));
        assert_eq!(unknown.status, Status::Internal);
        assert_eq!(unknown.code, 99);
        assert_eq!(unknown.request_id.as_deref(), Some("r"));
        assert!(unknown
            .to_string()
            .starts_with("delete_volume: INTERNAL (status 99): no error object"));

        let timeout = Error::from_plugin(
            12,
            Some(
                r#"{"message":"deadline","retryable":true,"outcome_unknown":true,"backend_error":"xTimeout"}"#,
            ),
            "create_volume",
            None,
        );
        assert!(timeout.outcome_unknown && timeout.retryable);
        assert_eq!(timeout.backend_error.as_deref(), Some("xTimeout"));
    }
}
