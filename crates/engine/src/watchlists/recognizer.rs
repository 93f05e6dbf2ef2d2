//! The interface of an on-premise face recognition service (docs/WATCHLISTS.md "Recognition
//! service"). neibao computes no embeddings itself: a device's own comparison result is used
//! when it sends one; otherwise, when a recognition service is configured
//! (`NEIBAO_RECOGNITION_URL`), the captured face is posted to it and its candidates are
//! matched like a device's. The service must run inside the installation (R76: face data stays
//! local); the request carries the picture only, never a name.
//!
//! The wire shape is CompreFace's `POST /api/v1/recognition/recognize` with a base64 body:
//! request `{"file": "<base64 image>"}` (header `x-api-key` when a key is configured), answer
//! `{"result": [{"subjects": [{"subject": "<id>", "similarity": 0.97}, …]}, …]}`; similarities
//! as fractions (0–1) or percent.

use std::time::Duration;

use async_trait::async_trait;
use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine;
use neibao_domain::events::FaceCandidate;
use neibao_domain::watchlists::similarity_percent;
use serde_json::Value;

/// Something that compares a face picture with its gallery and names candidates.
#[async_trait]
pub trait Recognizer: Send + Sync {
    /// The candidates for the face in `image` (best first or not: the matcher sorts them).
    async fn recognize(&self, image: &[u8], content_type: &str) -> anyhow::Result<Vec<FaceCandidate>>;
}

/// A CompreFace-style REST client.
pub struct CompreFaceClient {
    url: String,
    api_key: Option<String>,
    http: reqwest::Client,
}

impl CompreFaceClient {
    /// A client of the service at `url` (the full recognise URL), with an optional API key;
    /// requests time out after 3 s (a slow service delays the event's alerts, never loses them).
    pub fn new(url: &str, api_key: Option<String>) -> anyhow::Result<CompreFaceClient> {
        Ok(CompreFaceClient {
            url: url.to_string(),
            api_key,
            http: reqwest::Client::builder().timeout(Duration::from_secs(3)).build()?,
        })
    }
}

/// The candidates of a CompreFace answer (every face's subjects).
pub fn parse_candidates(v: &Value) -> Vec<FaceCandidate> {
    let mut out = Vec::new();
    for face in v.get("result").and_then(Value::as_array).into_iter().flatten().take(10) {
        for s in face
            .get("subjects")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .take(20)
        {
            let subject = s.get("subject").and_then(Value::as_str).map(str::trim).unwrap_or("");
            let sim = s.get("similarity").and_then(Value::as_f64).and_then(similarity_percent);
            if let (false, Some(similarity)) = (subject.is_empty(), sim) {
                out.push(FaceCandidate {
                    subject: subject.chars().take(128).collect(),
                    similarity,
                });
            }
        }
    }
    out
}

#[async_trait]
impl Recognizer for CompreFaceClient {
    async fn recognize(&self, image: &[u8], _content_type: &str) -> anyhow::Result<Vec<FaceCandidate>> {
        let mut req = self
            .http
            .post(&self.url)
            .json(&serde_json::json!({ "file": B64.encode(image) }));
        if let Some(k) = &self.api_key {
            req = req.header("x-api-key", k);
        }
        let resp = req.send().await?;
        if !resp.status().is_success() {
            anyhow::bail!("recognition service answered {}", resp.status());
        }
        let v: Value = resp.json().await?;
        Ok(parse_candidates(&v))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compreface_answers_become_candidates() {
        let v = serde_json::json!({"result": [{"subjects": [
            {"subject": "S-1", "similarity": 0.97},
            {"subject": "", "similarity": 0.9},
            {"subject": "S-2", "similarity": "x"}
        ]}]});
        let c = parse_candidates(&v);
        assert_eq!(c.len(), 1);
        assert_eq!(c[0].subject, "S-1");
        assert!((c[0].similarity - 97.0).abs() < 0.01);
        assert!(parse_candidates(&serde_json::json!({"oops": 1})).is_empty());
    }
}
