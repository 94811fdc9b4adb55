//! The one path every API call takes: rate limit, send, time, classify the error.

use std::collections::HashMap;
use std::future::Future;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use aws_smithy_runtime_api::client::result::SdkError;
use aws_smithy_runtime_api::http::Response as HttpResponse;
use aws_smithy_types::error::display::DisplayErrorContext;
use aws_smithy_types::error::metadata::ProvideErrorMetadata;
use rampart_model::{Gap, Origin};
use tokio::sync::Semaphore;
use tokio::task::JoinSet;

use crate::progress::Progress;
use crate::stats::Stats;

/// Why an API call failed, as far as the collector needs to know.
#[derive(Debug, Clone)]
pub(crate) struct CallError {
    /// The service's error code (`AccessDenied`), or a code rampart gives transport failures
    /// (`Timeout`, `DispatchFailure`, `HTTP 404`).
    pub code: String,
    /// The message, for the gap's reason.
    pub message: String,
}

impl CallError {
    /// Whether the code is one of `codes`.
    pub fn is(&self, codes: &[&str]) -> bool {
        codes.iter().any(|c| self.code == *c)
    }

    fn from_sdk<E>(err: &SdkError<E, HttpResponse>) -> Self
    where
        E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
    {
        match err {
            SdkError::ServiceError(ctx) => {
                let status = ctx.raw().status().as_u16();
                let code = ctx.err().code().map(str::to_owned).unwrap_or_else(|| {
                    if (200..300).contains(&status) {
                        // A success status whose body the SDK could not parse.
                        "UnparseableResponse".to_owned()
                    } else {
                        format!("HTTP {status}")
                    }
                });
                let message = ctx
                    .err()
                    .message()
                    .map(str::to_owned)
                    .unwrap_or_else(|| format!("{}", DisplayErrorContext(err)));
                CallError { code, message }
            }
            SdkError::TimeoutError(_) => CallError {
                code: "Timeout".into(),
                message: format!("{}", DisplayErrorContext(err)),
            },
            SdkError::DispatchFailure(_) => CallError {
                code: "DispatchFailure".into(),
                message: format!("{}", DisplayErrorContext(err)),
            },
            SdkError::ResponseError(ctx) => CallError {
                code: format!("HTTP {}", ctx.raw().status().as_u16()),
                message: format!("{}", DisplayErrorContext(err)),
            },
            _ => CallError {
                code: "ClientError".into(),
                message: format!("{}", DisplayErrorContext(err)),
            },
        }
    }

    /// A sentence for a gap's reason.
    pub fn reason(&self) -> String {
        let what = if self.code.starts_with("AccessDenied")
            || matches!(
                self.code.as_str(),
                "UnauthorizedOperation"
                    | "AuthorizationError"
                    | "AccessDeniedException"
                    | "UnauthorizedAccess"
            ) {
            "access denied"
        } else if matches!(
            self.code.as_str(),
            "HTTP 404" | "NotImplemented" | "InternalFailure" | "HTTP 500" | "HTTP 501"
        ) {
            "the endpoint does not implement or could not serve this call"
        } else if matches!(
            self.code.as_str(),
            "OptInRequired"
                | "AuthFailure"
                | "UnrecognizedClientException"
                | "InvalidClientTokenId"
        ) {
            "the region is not enabled for this account, or the credentials are not valid there"
        } else if self.code == "UnparseableResponse" {
            "the endpoint answered with a response the SDK could not parse"
        } else if self.code == "Timeout" || self.code == "DispatchFailure" {
            "the call did not complete"
        } else {
            "the call failed"
        };
        let mut message = self.message.replace('\n', " ");
        if message.len() > 300 {
            let mut end = 300;
            while !message.is_char_boundary(end) {
                end -= 1;
            }
            message.truncate(end);
            message.push('…');
        }
        format!("{what}: {message}")
    }
}

/// A request-rate limit per account/region/service: calls with the same key are spaced at least
/// `1 / max_rps` apart, so the rate never exceeds `max_rps`, whatever the concurrency.
#[derive(Debug)]
pub(crate) struct Limiter {
    interval: Option<Duration>,
    next: Mutex<HashMap<String, Instant>>,
}

impl Limiter {
    pub(crate) fn new(max_rps: f64) -> Self {
        let interval =
            (max_rps.is_finite() && max_rps > 0.0).then(|| Duration::from_secs_f64(1.0 / max_rps));
        Limiter {
            interval,
            next: Mutex::new(HashMap::new()),
        }
    }

    /// Waits for this key's next slot; returns the time waited.
    async fn acquire(&self, key: &str) -> Duration {
        let Some(interval) = self.interval else {
            return Duration::ZERO;
        };
        let now = Instant::now();
        let slot = {
            let mut map = match self.next.lock() {
                Ok(m) => m,
                Err(p) => p.into_inner(),
            };
            let next = map.entry(key.to_owned()).or_insert(now);
            let slot = (*next).max(now);
            *next = slot + interval;
            slot
        };
        if slot > now {
            tokio::time::sleep_until(tokio::time::Instant::from_std(slot)).await;
        }
        slot.saturating_duration_since(now)
    }
}

/// What every task of one collection shares.
pub(crate) struct Shared {
    pub stats: Arc<Stats>,
    pub limiter: Limiter,
    pub progress: Arc<dyn Progress>,
    /// Concurrent per-resource calls within one service.
    pub fan_out: usize,
}

/// The scope of a task: one account, one region (or a global service), and where its gaps go.
#[derive(Clone)]
pub(crate) struct Ctx {
    pub shared: Arc<Shared>,
    pub account: Arc<str>,
    pub partition: Arc<str>,
    pub region: Option<Arc<str>>,
    gaps: Arc<Mutex<Vec<Gap>>>,
}

/// The lowercase service prefix for `service:Operation` names.
pub(crate) fn prefix(sdk_service: &str) -> &'static str {
    crate::allow::ALLOW_LIST
        .iter()
        .find(|a| a.sdk_service == sdk_service)
        .and_then(|a| a.action.split_once(':'))
        .map_or("aws", |(p, _)| p)
}

/// `service:Operation`, as origins and gaps name calls.
pub(crate) fn api(sdk_service: &str, op: &str) -> String {
    format!("{}:{op}", prefix(sdk_service))
}

/// An origin for data read by `op`.
pub(crate) fn origin(sdk_service: &str, op: &str) -> Origin {
    Origin::api(&api(sdk_service, op))
}

impl Ctx {
    pub(crate) fn new(shared: Arc<Shared>, account: &str, partition: &str) -> Self {
        Ctx {
            shared,
            account: account.into(),
            partition: partition.into(),
            region: None,
            gaps: Arc::new(Mutex::new(Vec::new())),
        }
    }

    /// The same account, in `region`.
    pub(crate) fn in_region(&self, region: &str) -> Self {
        Ctx {
            region: Some(region.into()),
            ..self.clone()
        }
    }

    /// The region name, or `global`.
    pub(crate) fn region_name(&self) -> &str {
        self.region.as_deref().unwrap_or("global")
    }

    /// Sends one request through the rate limiter, timing it and classifying its error.
    pub(crate) async fn call<T, E, F>(
        &self,
        service: &'static str,
        op: &'static str,
        fut: F,
    ) -> Result<T, CallError>
    where
        F: Future<Output = Result<T, SdkError<E, HttpResponse>>>,
        E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
    {
        debug_assert!(
            crate::allow::is_allowed(service, op),
            "{service}:{op} is not allow-listed"
        );
        let key = format!("{}/{}/{service}", self.account, self.region_name());
        let waited = self.shared.limiter.acquire(&key).await;
        let start = Instant::now();
        let result = fut.await;
        let busy = start.elapsed();
        self.shared
            .stats
            .finished(service, busy, waited, result.is_err());
        tracing::debug!(service, op, account = %self.account, region = self.region_name(), ?busy, ok = result.is_ok(), "call");
        result.map_err(|e| CallError::from_sdk(&e))
    }

    /// Follows a token-paginated operation to its end: `send` sends one page for a token, `split`
    /// takes a page apart into items and the next token.
    pub(crate) async fn paged<O, E, I, F, Fut, X>(
        &self,
        service: &'static str,
        op: &'static str,
        mut send: F,
        mut split: X,
    ) -> Result<Vec<I>, CallError>
    where
        F: FnMut(Option<String>) -> Fut,
        Fut: Future<Output = Result<O, SdkError<E, HttpResponse>>>,
        X: FnMut(O) -> (Vec<I>, Option<String>),
        E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
    {
        let mut items = Vec::new();
        let mut token: Option<String> = None;
        // A bound on pages guards against an endpoint that keeps returning the same token.
        for _ in 0..100_000 {
            let page = self.call(service, op, send(token.clone())).await?;
            let (mut batch, next) = split(page);
            items.append(&mut batch);
            match next {
                Some(t) if !t.is_empty() && token.as_deref() != Some(t.as_str()) => token = Some(t),
                _ => return Ok(items),
            }
        }
        Ok(items)
    }

    /// [`Ctx::paged`] for a listing that a data set depends on: when it fails, a gap on `data`
    /// names the call, and the answer is `None`.
    pub(crate) async fn list<O, E, I, F, Fut, X>(
        &self,
        data: &str,
        service: &'static str,
        op: &'static str,
        send: F,
        split: X,
    ) -> Option<Vec<I>>
    where
        F: FnMut(Option<String>) -> Fut,
        Fut: Future<Output = Result<O, SdkError<E, HttpResponse>>>,
        X: FnMut(O) -> (Vec<I>, Option<String>),
        E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
    {
        self.list_in(data, None, service, op, send, split).await
    }

    /// [`Ctx::list`] for a listing under one resource (a topic's subscriptions, a user's keys):
    /// the gap names the resource.
    pub(crate) async fn list_for<O, E, I, F, Fut, X>(
        &self,
        data: &str,
        resource: &str,
        service: &'static str,
        op: &'static str,
        send: F,
        split: X,
    ) -> Option<Vec<I>>
    where
        F: FnMut(Option<String>) -> Fut,
        Fut: Future<Output = Result<O, SdkError<E, HttpResponse>>>,
        X: FnMut(O) -> (Vec<I>, Option<String>),
        E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
    {
        self.list_in(data, Some(resource), service, op, send, split)
            .await
    }

    async fn list_in<O, E, I, F, Fut, X>(
        &self,
        data: &str,
        resource: Option<&str>,
        service: &'static str,
        op: &'static str,
        send: F,
        split: X,
    ) -> Option<Vec<I>>
    where
        F: FnMut(Option<String>) -> Fut,
        Fut: Future<Output = Result<O, SdkError<E, HttpResponse>>>,
        X: FnMut(O) -> (Vec<I>, Option<String>),
        E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
    {
        match self.paged(service, op, send, split).await {
            Ok(items) => Some(items),
            Err(e) => {
                self.push_gap(data, service, op, resource, &e);
                None
            }
        }
    }

    /// [`Ctx::call`] for a single read that a data set depends on: when it fails, a gap on
    /// `data` names the call, and the answer is `None`.
    pub(crate) async fn get<T, E, F>(
        &self,
        data: &str,
        service: &'static str,
        op: &'static str,
        fut: F,
    ) -> Option<T>
    where
        F: Future<Output = Result<T, SdkError<E, HttpResponse>>>,
        E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
    {
        self.read(data, service, op, None, &[], fut).await.flatten()
    }

    /// [`Ctx::get`] for one resource's data: the gap names the resource.
    pub(crate) async fn get_for<T, E, F>(
        &self,
        data: &str,
        service: &'static str,
        op: &'static str,
        resource: &str,
        fut: F,
    ) -> Option<T>
    where
        F: Future<Output = Result<T, SdkError<E, HttpResponse>>>,
        E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
    {
        self.read(data, service, op, Some(resource), &[], fut)
            .await
            .flatten()
    }

    /// [`Ctx::get_for`] for one resource's setting that AWS reports as an error code when it is
    /// not set (`NoSuchBucketPolicy`, `ResourceNotFoundException`…): those codes are an answer,
    /// `Some(None)`; any other failure is a gap on `data` for `resource`, and `None`.
    pub(crate) async fn get_setting<T, E, F>(
        &self,
        data: &str,
        service: &'static str,
        op: &'static str,
        resource: &str,
        absent: &[&str],
        fut: F,
    ) -> Option<Option<T>>
    where
        F: Future<Output = Result<T, SdkError<E, HttpResponse>>>,
        E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
    {
        self.read(data, service, op, Some(resource), absent, fut)
            .await
    }

    /// [`Ctx::get_setting`] for an account-level setting (no resource).
    pub(crate) async fn get_account_setting<T, E, F>(
        &self,
        data: &str,
        service: &'static str,
        op: &'static str,
        absent: &[&str],
        fut: F,
    ) -> Option<Option<T>>
    where
        F: Future<Output = Result<T, SdkError<E, HttpResponse>>>,
        E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
    {
        self.read(data, service, op, None, absent, fut).await
    }

    /// The one place a failed read becomes a gap: `Some(Some(answer))`, `Some(None)` for an
    /// error code in `absent`, `None` after recording the gap.
    async fn read<T, E, F>(
        &self,
        data: &str,
        service: &'static str,
        op: &'static str,
        resource: Option<&str>,
        absent: &[&str],
        fut: F,
    ) -> Option<Option<T>>
    where
        F: Future<Output = Result<T, SdkError<E, HttpResponse>>>,
        E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
    {
        match self.call(service, op, fut).await {
            Ok(v) => Some(Some(v)),
            Err(e) if e.is(absent) => Some(None),
            Err(e) => {
                self.push_gap(data, service, op, resource, &e);
                None
            }
        }
    }

    /// Records that `data` could not be read in this scope.
    pub(crate) fn gap(&self, data: &str, service: &'static str, op: &'static str, err: &CallError) {
        self.push_gap(data, service, op, None, err);
    }

    /// Records that `data` of one resource could not be read by a call made with
    /// [`Ctx::call`] (one call that read several resources at once).
    pub(crate) fn gap_for(
        &self,
        data: &str,
        service: &'static str,
        op: &'static str,
        resource: &str,
        err: &CallError,
    ) {
        self.push_gap(data, service, op, Some(resource), err);
    }

    fn push_gap(
        &self,
        data: &str,
        service: &'static str,
        op: &'static str,
        resource: Option<&str>,
        err: &CallError,
    ) {
        self.shared.stats.gap(service);
        let mut gap = Gap::new(data, &api(service, op), err.reason())
            .in_account(&self.account)
            .with_code(&err.code);
        if let Some(r) = &self.region {
            gap = gap.in_region(r);
        }
        if let Some(res) = resource {
            gap = gap.for_resource(res);
        }
        self.push(gap);
    }

    /// Records what the collector cannot know about one resource although `op` answered (a
    /// setting left to something it did not read): a gap on `data` for `resource`, with the
    /// reason and a code of the caller's.
    pub(crate) fn unknown_for(
        &self,
        data: &str,
        service: &'static str,
        op: &'static str,
        resource: &str,
        reason: String,
        code: &str,
    ) {
        self.push(
            Gap::new(data, &api(service, op), reason)
                .in_account(&self.account)
                .in_region(self.region_name())
                .for_resource(resource)
                .with_code(code),
        );
    }

    /// Records a gap built by the caller.
    pub(crate) fn push(&self, gap: Gap) {
        match self.gaps.lock() {
            Ok(mut g) => g.push(gap),
            Err(p) => p.into_inner().push(gap),
        }
    }

    /// Takes the gaps recorded so far (by this context and its clones).
    pub(crate) fn take_gaps(&self) -> Vec<Gap> {
        match self.gaps.lock() {
            Ok(mut g) => std::mem::take(&mut *g),
            Err(p) => std::mem::take(&mut *p.into_inner()),
        }
    }

    /// An ARN in this account and region.
    pub(crate) fn arn(&self, service: &str, resource: &str) -> String {
        format!(
            "arn:{}:{service}:{}:{}:{resource}",
            self.partition,
            self.region.as_deref().unwrap_or(""),
            self.account
        )
    }

    /// Runs `f` over `items` with at most `fan_out` in flight; results keep the items' order.
    pub(crate) async fn map<T, R, F, Fut>(&self, items: Vec<T>, f: F) -> Vec<R>
    where
        T: Send + 'static,
        R: Send + 'static,
        F: Fn(T) -> Fut,
        Fut: Future<Output = R> + Send + 'static,
    {
        let permits = Arc::new(Semaphore::new(self.shared.fan_out.max(1)));
        let mut set = JoinSet::new();
        let n = items.len();
        for (i, item) in items.into_iter().enumerate() {
            let fut = f(item);
            let permits = Arc::clone(&permits);
            set.spawn(async move {
                let _permit = permits.acquire_owned().await;
                (i, fut.await)
            });
        }
        let mut out = Vec::with_capacity(n);
        while let Some(joined) = set.join_next().await {
            match joined {
                Ok(r) => out.push(r),
                Err(e) if e.is_panic() => std::panic::resume_unwind(e.into_panic()),
                Err(_) => {}
            }
        }
        out.sort_by_key(|(i, _)| *i);
        out.into_iter().map(|(_, r)| r).collect()
    }
}

/// Converts an SDK timestamp.
pub(crate) fn ts(dt: Option<&aws_smithy_types::DateTime>) -> Option<rampart_model::Timestamp> {
    dt.and_then(|d| rampart_model::Timestamp::from_unix(d.secs()))
}

/// Decodes a URL-encoded policy document (IAM returns them so) and parses it as JSON; a document
/// that is not JSON is kept as a string so nothing is lost.
pub(crate) fn policy_doc(raw: &str) -> rampart_model::PolicyDocument {
    let decoded = if raw.trim_start().starts_with('{') {
        raw.to_owned()
    } else {
        percent_decode(raw)
    };
    serde_json::from_str(&decoded)
        .unwrap_or(serde_json::Value::String(decoded))
        .into()
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' if i + 2 < bytes.len() => {
                let hex = |b: u8| (b as char).to_digit(16);
                match (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                    (Some(h), Some(l)) => {
                        out.push(u8::try_from(h * 16 + l).unwrap_or(b'?'));
                        i += 3;
                    }
                    _ => {
                        out.push(b'%');
                        i += 1;
                    }
                }
            }
            b => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_iam_documents() {
        let v = policy_doc("%7B%22Version%22%3A%222012-10-17%22%2C%22Statement%22%3A%5B%5D%7D");
        assert_eq!(v.to_value()["Version"], "2012-10-17");
        let plain = policy_doc("{\"a\": 1}");
        assert_eq!(plain.to_value()["a"], 1);
        assert_eq!(percent_decode("a%2"), "a%2");
    }

    #[test]
    fn reasons_name_the_cause() {
        let e = |code: &str| CallError {
            code: code.into(),
            message: "m".into(),
        };
        assert!(e("AccessDenied").reason().starts_with("access denied"));
        assert!(
            e("AccessDeniedException")
                .reason()
                .starts_with("access denied")
        );
        assert!(
            e("UnauthorizedOperation")
                .reason()
                .starts_with("access denied")
        );
        assert!(e("HTTP 404").reason().contains("does not implement"));
        assert!(e("OptInRequired").reason().contains("not enabled"));
        assert!(
            e("UnparseableResponse")
                .reason()
                .contains("could not parse")
        );
        let long = CallError {
            code: "X".into(),
            message: "é".repeat(400),
        };
        assert!(long.reason().chars().count() < 340);
    }

    #[tokio::test]
    async fn limiter_spaces_calls() {
        let l = Limiter::new(50.0);
        let start = Instant::now();
        for _ in 0..6 {
            l.acquire("k").await;
        }
        // Six calls at 50/s: the sixth waits for the fifth slot, 100 ms after the first.
        assert!(
            start.elapsed() >= Duration::from_millis(95),
            "{:?}",
            start.elapsed()
        );
        let other = Instant::now();
        l.acquire("other").await;
        assert!(other.elapsed() < Duration::from_millis(20));
    }
}
