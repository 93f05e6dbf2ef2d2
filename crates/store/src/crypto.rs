//! Field-level encryption of sensitive personal information at rest. Security-sensitive.
//!
//! AES-256-GCM (the `aes-gcm` crate) with a random 96-bit nonce per value. Ciphertexts are text:
//! `{key_id}:{base64(nonce ‖ ciphertext ‖ tag)}`, so the key id travels with every value and a
//! later key rotation can tell which key to use. Keys live in `{data_dir}/keys/{key_id}.key`
//! (32 random bytes, created on first start with mode 0600) or come from configuration
//! (`NEIBAO_FIELD_KEY`, base64). The column name is bound as associated data, so a ciphertext
//! copied into another column does not decrypt.
//!
//! Beside the encryption keys, a separate 32-byte blind-index key (`{data_dir}/keys/index.hmac`,
//! or `NEIBAO_BLIND_INDEX_KEY`) gives [`FieldCipher::blind_index`]: HMAC-SHA256 of a normalized
//! value, stored next to the ciphertext so an exact lookup needs no decryption. It is a keyed
//! hash: without the key, a stolen database cannot be searched by guessing ID numbers.
//!
//! Rotation (`neibao keys rotate`): [`rotate_keys`] writes a new key that becomes current; the
//! store re-encrypts every value, and the old keys move to `keys/retired/` (kept so an older
//! backup stays readable, never loaded again).

use aes_gcm::aead::{Aead, KeyInit, Payload};
use aes_gcm::{Aes256Gcm, Nonce};
use anyhow::{anyhow, bail, Context};
use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine;
use hmac::{Hmac, Mac};
use rand::RngCore;
use sha2::Sha256;
use std::collections::HashMap;
use std::path::Path;

/// A key ring: the current key (used to encrypt) and all known keys (used to decrypt).
#[derive(Clone)]
pub struct FieldCipher {
    current: String,
    keys: HashMap<String, Aes256Gcm>,
    blind_key: [u8; 32],
    /// The biometric key (face templates and reference photos of watchlists; R64 asks for
    /// separate keys): `keys/biometric/b1.key`, or derived from `NEIBAO_FIELD_KEY` when the key
    /// comes from configuration (`NEIBAO_BIOMETRIC_KEY` overrides it). `None` inside itself.
    biometric: Option<Box<FieldCipher>>,
    /// The counselling-case key (docs/WELLBEING.md, R64): a key of its own, not a field key, so
    /// that the general field key does not open crisis-intervention cases.
    case_key: (String, Aes256Gcm),
}

/// Key ids in order of creation: `k2` before `k10`.
fn key_order(a: &String, b: &String) -> std::cmp::Ordering {
    (a.len(), a).cmp(&(b.len(), b))
}

/// A 32-byte key derived from another for a named purpose (HMAC-SHA256).
fn derive(key: &[u8], purpose: &str) -> [u8; 32] {
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(key).expect("HMAC takes any key length");
    mac.update(purpose.as_bytes());
    mac.finalize().into_bytes().into()
}

impl std::fmt::Debug for FieldCipher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "FieldCipher(current={})", self.current)
    }
}

impl FieldCipher {
    /// A ring with one key.
    pub fn from_key(key_id: &str, key: &[u8; 32]) -> FieldCipher {
        let mut keys = HashMap::new();
        keys.insert(key_id.to_string(), Aes256Gcm::new(key.into()));
        FieldCipher {
            current: key_id.to_string(),
            keys,
            blind_key: derive(key, "neibao blind index v1"),
            biometric: Some(Box::new(FieldCipher::single("b1", &derive(key, "neibao biometric v1")))),
            case_key: (
                format!("case-{key_id}"),
                Aes256Gcm::new(&derive(key, "neibao counselling cases v1").into()),
            ),
        }
    }

    /// A ring of one key, without a biometric key of its own.
    fn single(key_id: &str, key: &[u8; 32]) -> FieldCipher {
        let mut keys = HashMap::new();
        keys.insert(key_id.to_string(), Aes256Gcm::new(key.into()));
        FieldCipher {
            current: key_id.to_string(),
            keys,
            blind_key: derive(key, "neibao blind index v1"),
            biometric: None,
            case_key: (
                format!("case-{key_id}"),
                Aes256Gcm::new(&derive(key, "neibao counselling cases v1").into()),
            ),
        }
    }

    /// The biometric key of `dir/keys/biometric/b1.key`, created on first use.
    fn load_biometric(keys_dir: &Path) -> anyhow::Result<FieldCipher> {
        let dir = keys_dir.join("biometric");
        std::fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
        let path = dir.join("b1.key");
        if !path.exists() {
            let mut key = [0u8; 32];
            rand::rngs::OsRng.fill_bytes(&mut key);
            write_private(&path, &key)?;
        }
        let key: [u8; 32] = std::fs::read(&path)?
            .try_into()
            .map_err(|_| anyhow!("biometric/b1.key must hold 32 bytes"))?;
        Ok(FieldCipher::single("b1", &key))
    }

    /// Encrypts biometric data (a face template, a reference photo) with the biometric key, for
    /// column `aad`.
    pub fn encrypt_biometric(&self, aad: &str, plaintext: &[u8]) -> Vec<u8> {
        self.biometric.as_deref().unwrap_or(self).encrypt_bytes(aad, plaintext)
    }

    /// Decrypts a value made by [`FieldCipher::encrypt_biometric`].
    ///
    /// Errors: wrong key (e.g. a value made with the field key), tampering, another column.
    pub fn decrypt_biometric(&self, aad: &str, stored: &[u8]) -> anyhow::Result<Vec<u8>> {
        self.biometric.as_deref().unwrap_or(self).decrypt_bytes(aad, stored)
    }

    /// The counselling-case key: `NEIBAO_COUNSELLING_KEY` (base64 of 32 bytes) when set, else
    /// `{dir}/keys/counselling/case1.key` (created on first start, mode 0600).
    fn load_case_key(data_dir: &Path) -> anyhow::Result<(String, Aes256Gcm)> {
        if let Ok(b64) = std::env::var("NEIBAO_COUNSELLING_KEY") {
            let key = decode_key("NEIBAO_COUNSELLING_KEY", &b64)?;
            return Ok(("case-env1".into(), Aes256Gcm::new(&key.into())));
        }
        let dir = data_dir.join("keys").join("counselling");
        std::fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
        let path = dir.join("case1.key");
        if !path.exists() {
            let mut key = [0u8; 32];
            rand::rngs::OsRng.fill_bytes(&mut key);
            write_private(&path, &key)?;
        }
        let key: [u8; 32] = std::fs::read(&path)?
            .try_into()
            .map_err(|_| anyhow!("key file counselling/case1.key must hold 32 bytes"))?;
        Ok(("case1".into(), Aes256Gcm::new(&key.into())))
    }

    /// Encrypts a counselling case's value for column `aad` with the case key (not the field
    /// key; docs/WELLBEING.md).
    pub fn encrypt_case(&self, aad: &str, plaintext: &str) -> String {
        seal(&self.case_key.1, &self.case_key.0, aad, plaintext)
    }

    /// Decrypts a value made by [`FieldCipher::encrypt_case`] for the same column.
    ///
    /// Errors: another key's value (a field-key ciphertext included), malformed text, or failed
    /// authentication.
    pub fn decrypt_case(&self, aad: &str, stored: &str) -> anyhow::Result<String> {
        let (id, _) = stored
            .split_once(':')
            .ok_or_else(|| anyhow!("ciphertext without key id"))?;
        if id != self.case_key.0 {
            bail!("not a counselling-case ciphertext");
        }
        open(&self.case_key.1, aad, stored)
    }

    /// Loads every `*.key` file in `{dir}/keys`, creating `k1.key` when there is none. The key
    /// created last (`k2` after `k1`, `k10` after `k9`) is current. `NEIBAO_FIELD_KEY` (base64 of
    /// 32 bytes), when set, overrides the files with id `env1`; the blind-index key then comes
    /// from `NEIBAO_BLIND_INDEX_KEY` or is derived from it.
    ///
    /// Errors: unreadable key folder, a key file that does not hold 32 bytes, bad base64.
    pub fn load_or_create(data_dir: &Path) -> anyhow::Result<FieldCipher> {
        if let Ok(b64) = std::env::var("NEIBAO_FIELD_KEY") {
            let key = decode_key("NEIBAO_FIELD_KEY", &b64)?;
            let mut c = FieldCipher::from_key("env1", &key);
            if let Ok(b64) = std::env::var("NEIBAO_BLIND_INDEX_KEY") {
                c.blind_key = decode_key("NEIBAO_BLIND_INDEX_KEY", &b64)?;
            }
            if let Ok(b64) = std::env::var("NEIBAO_BIOMETRIC_KEY") {
                let bio = decode_key("NEIBAO_BIOMETRIC_KEY", &b64)?;
                c.biometric = Some(Box::new(FieldCipher::single("b1", &bio)));
            }
            if std::env::var("NEIBAO_COUNSELLING_KEY").is_ok() {
                c.case_key = FieldCipher::load_case_key(data_dir)?;
            }
            return Ok(c);
        }
        let dir = data_dir.join("keys");
        std::fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
        let mut ids: Vec<String> = std::fs::read_dir(&dir)?
            .filter_map(|e| e.ok())
            .filter_map(|e| {
                e.file_name()
                    .to_str()
                    .and_then(|n| n.strip_suffix(".key"))
                    .map(str::to_string)
            })
            .collect();
        if ids.is_empty() {
            let mut key = [0u8; 32];
            rand::rngs::OsRng.fill_bytes(&mut key);
            let path = dir.join("k1.key");
            write_private(&path, &key)?;
            ids.push("k1".into());
        }
        ids.sort_by(key_order);
        let blind_path = dir.join("index.hmac");
        if !blind_path.exists() {
            let mut key = [0u8; 32];
            rand::rngs::OsRng.fill_bytes(&mut key);
            write_private(&blind_path, &key)?;
        }
        let blind_key: [u8; 32] = std::fs::read(&blind_path)?
            .try_into()
            .map_err(|_| anyhow!("index.hmac must hold 32 bytes"))?;
        let mut keys = HashMap::new();
        for id in &ids {
            let bytes = std::fs::read(dir.join(format!("{id}.key")))?;
            let key: [u8; 32] = bytes
                .try_into()
                .map_err(|_| anyhow!("key file {id}.key must hold 32 bytes"))?;
            keys.insert(id.clone(), Aes256Gcm::new(&key.into()));
        }
        Ok(FieldCipher {
            current: ids.last().cloned().expect("non-empty"),
            keys,
            blind_key,
            biometric: Some(Box::new(FieldCipher::load_biometric(&dir)?)),
            case_key: FieldCipher::load_case_key(data_dir)?,
        })
    }

    /// The id of the key new values are encrypted with.
    pub fn current_key_id(&self) -> &str {
        &self.current
    }

    /// Whether a text ciphertext was made with the current key.
    pub fn is_current(&self, stored: &str) -> bool {
        stored.split_once(':').is_some_and(|(id, _)| id == self.current)
    }

    /// Whether a binary ciphertext was made with the current key.
    pub fn is_current_bytes(&self, stored: &[u8]) -> bool {
        stored
            .split_first()
            .and_then(|(&n, rest)| rest.get(..n as usize))
            .is_some_and(|id| id == self.current.as_bytes())
    }

    /// The first bytes of every binary ciphertext made with the current key (the key id's length
    /// and the key id), so that SQL can tell stale ciphertexts without reading them whole.
    pub fn current_bytes_header(&self) -> Vec<u8> {
        let id = self.current.as_bytes();
        let mut h = Vec::with_capacity(1 + id.len());
        h.push(id.len() as u8);
        h.extend_from_slice(id);
        h
    }

    /// Blind index of `value` in `domain` (e.g. `"citizen_id"`): hex HMAC-SHA256 under the
    /// blind-index key. Normalize the value first (the ID-number validator upper-cases `x`).
    pub fn blind_index(&self, domain: &str, value: &str) -> String {
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(&self.blind_key).expect("HMAC takes any key length");
        mac.update(domain.as_bytes());
        mac.update(&[0]);
        mac.update(value.as_bytes());
        hex::encode(mac.finalize().into_bytes())
    }

    /// Encrypts `plaintext` for column `aad` (e.g. `"responsible_persons.citizen_id"`).
    pub fn encrypt(&self, aad: &str, plaintext: &str) -> String {
        seal(&self.keys[&self.current], &self.current, aad, plaintext)
    }

    /// Decrypts a value produced by [`FieldCipher::encrypt`] for the same column.
    ///
    /// Errors: unknown key id, malformed text, or failed authentication (tampered or moved value).
    pub fn decrypt(&self, aad: &str, stored: &str) -> anyhow::Result<String> {
        let (id, _) = stored
            .split_once(':')
            .ok_or_else(|| anyhow!("ciphertext without key id"))?;
        let cipher = self.keys.get(id).ok_or_else(|| anyhow!("unknown field key id {id}"))?;
        open(cipher, aad, stored)
    }
}

/// `{key_id}:{base64(nonce ‖ ciphertext ‖ tag)}` of `plaintext` under `cipher` for column `aad`.
fn seal(cipher: &Aes256Gcm, key_id: &str, aad: &str, plaintext: &str) -> String {
    let mut nonce = [0u8; 12];
    rand::rngs::OsRng.fill_bytes(&mut nonce);
    let ct = cipher
        .encrypt(
            Nonce::from_slice(&nonce),
            Payload {
                msg: plaintext.as_bytes(),
                aad: aad.as_bytes(),
            },
        )
        .expect("AES-GCM encryption of a short value cannot fail");
    let mut out = nonce.to_vec();
    out.extend(ct);
    format!("{key_id}:{}", B64.encode(out))
}

/// The plaintext of a [`seal`]ed value (its key id already matched to `cipher`).
fn open(cipher: &Aes256Gcm, aad: &str, stored: &str) -> anyhow::Result<String> {
    let (_, b64) = stored
        .split_once(':')
        .ok_or_else(|| anyhow!("ciphertext without key id"))?;
    let bytes = B64.decode(b64)?;
    if bytes.len() < 12 + 16 {
        bail!("ciphertext too short");
    }
    let (nonce, ct) = bytes.split_at(12);
    let pt = cipher
        .decrypt(
            Nonce::from_slice(nonce),
            Payload {
                msg: ct,
                aad: aad.as_bytes(),
            },
        )
        .map_err(|_| anyhow!("ciphertext failed authentication"))?;
    Ok(String::from_utf8(pt)?)
}

impl FieldCipher {
    /// The stored form of a free text in `table.column` (a row of
    /// `neibao_domain::privacy::FREE_TEXT_FIELDS`): the text with personal data masked, for the
    /// column, and the plaintext encrypted for `<column>_sealed` when something was masked.
    pub fn seal_free_text(&self, table: &str, column: &str, text: &str) -> (String, Option<String>) {
        let t = neibao_domain::privacy::FreeText::new(text);
        let sealed = t
            .sealed_plaintext()
            .map(|p| self.encrypt(&format!("{table}.{column}"), p));
        (t.shown().to_string(), sealed)
    }

    /// The stored form of a structured free text (a JSON column of `FREE_TEXT_FIELDS`, e.g. an
    /// inspection record): the JSON with personal data masked in every string
    /// (`neibao_domain::privacy::mask_json`), and the plaintext JSON encrypted for
    /// `<column>_sealed` when something was masked.
    pub fn seal_free_json(&self, table: &str, column: &str, value: &serde_json::Value) -> (String, Option<String>) {
        let mut shown = value.clone();
        if neibao_domain::privacy::mask_json(&mut shown) {
            let sealed = self.encrypt(&format!("{table}.{column}"), &value.to_string());
            (shown.to_string(), Some(sealed))
        } else {
            (value.to_string(), None)
        }
    }

    /// [`FieldCipher::seal_free_text`] of an optional text.
    pub fn seal_opt_free_text(
        &self,
        table: &str,
        column: &str,
        text: Option<&str>,
    ) -> (Option<String>, Option<String>) {
        match text {
            Some(t) => {
                let (shown, sealed) = self.seal_free_text(table, column, t);
                (Some(shown), sealed)
            }
            None => (None, None),
        }
    }
}

impl FieldCipher {
    /// Encrypts binary data (raw device payloads, images) for column `aad`. Layout:
    /// `len(key_id) ‖ key_id ‖ nonce(12) ‖ ciphertext ‖ tag(16)`.
    pub fn encrypt_bytes(&self, aad: &str, plaintext: &[u8]) -> Vec<u8> {
        let cipher = &self.keys[&self.current];
        let mut nonce = [0u8; 12];
        rand::rngs::OsRng.fill_bytes(&mut nonce);
        let ct = cipher
            .encrypt(
                Nonce::from_slice(&nonce),
                Payload {
                    msg: plaintext,
                    aad: aad.as_bytes(),
                },
            )
            .expect("AES-GCM encryption cannot fail for in-memory data");
        let id = self.current.as_bytes();
        let mut out = Vec::with_capacity(1 + id.len() + 12 + ct.len());
        out.push(id.len() as u8);
        out.extend_from_slice(id);
        out.extend_from_slice(&nonce);
        out.extend(ct);
        out
    }

    /// Decrypts what [`FieldCipher::encrypt_bytes`] produced for the same column.
    pub fn decrypt_bytes(&self, aad: &str, stored: &[u8]) -> anyhow::Result<Vec<u8>> {
        let (&n, rest) = stored.split_first().ok_or_else(|| anyhow!("empty ciphertext"))?;
        if rest.len() < n as usize + 12 + 16 {
            bail!("ciphertext too short");
        }
        let (id, rest) = rest.split_at(n as usize);
        let id = std::str::from_utf8(id)?;
        let cipher = self.keys.get(id).ok_or_else(|| anyhow!("unknown field key id {id}"))?;
        let (nonce, ct) = rest.split_at(12);
        cipher
            .decrypt(
                Nonce::from_slice(nonce),
                Payload {
                    msg: ct,
                    aad: aad.as_bytes(),
                },
            )
            .map_err(|_| anyhow!("ciphertext failed authentication"))
    }
}

fn decode_key(var: &str, b64: &str) -> anyhow::Result<[u8; 32]> {
    let bytes = B64.decode(b64.trim()).with_context(|| format!("{var} is not base64"))?;
    bytes.try_into().map_err(|_| anyhow!("{var} must be 32 bytes"))
}

/// Writes a new key file `k{n+1}.key` in `{data_dir}/keys` and returns its id; the next
/// [`FieldCipher::load_or_create`] makes it current. Refused when keys come from
/// `NEIBAO_FIELD_KEY` (rotate those in the deployment's secret store).
pub fn rotate_keys(data_dir: &Path) -> anyhow::Result<String> {
    if std::env::var_os("NEIBAO_FIELD_KEY").is_some() {
        bail!("密钥来自环境变量 NEIBAO_FIELD_KEY，请在部署的密钥管理中轮换");
    }
    let dir = data_dir.join("keys");
    std::fs::create_dir_all(&dir)?;
    let n = std::fs::read_dir(&dir)?
        .filter_map(|e| e.ok())
        .filter_map(|e| {
            e.file_name()
                .to_str()
                .and_then(|n| n.strip_suffix(".key"))
                .and_then(|id| id.strip_prefix('k'))
                .and_then(|n| n.parse::<u64>().ok())
        })
        .max()
        .unwrap_or(0);
    let id = format!("k{}", n + 1);
    let mut key = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut key);
    write_private(&dir.join(format!("{id}.key")), &key)?;
    Ok(id)
}

/// Moves every key file except `keep` to `{data_dir}/keys/retired/`, so it is no longer loaded.
pub fn retire_keys(data_dir: &Path, keep: &str) -> anyhow::Result<Vec<String>> {
    let dir = data_dir.join("keys");
    let retired = dir.join("retired");
    std::fs::create_dir_all(&retired)?;
    let mut moved = Vec::new();
    for e in std::fs::read_dir(&dir)?.filter_map(|e| e.ok()) {
        let name = e.file_name().to_string_lossy().to_string();
        if let Some(id) = name.strip_suffix(".key") {
            if id != keep {
                std::fs::rename(e.path(), retired.join(&name))?;
                moved.push(id.to_string());
            }
        }
    }
    moved.sort_by(key_order);
    Ok(moved)
}

fn write_private(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    use std::io::Write;
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(0o600);
    }
    let mut f = opts
        .open(path)
        .with_context(|| format!("creating key file {}", path.display()))?;
    f.write_all(bytes)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_binding() {
        let c = FieldCipher::from_key("k1", &[7u8; 32]);
        let ct = c.encrypt("t.col", "11010519491231002X");
        assert!(ct.starts_with("k1:"));
        assert!(!ct.contains("19491231"));
        assert_eq!(c.decrypt("t.col", &ct).unwrap(), "11010519491231002X");
        assert!(c.decrypt("t.other", &ct).is_err(), "bound to its column");
        assert_ne!(ct, c.encrypt("t.col", "11010519491231002X"), "random nonce");
        let b = c.encrypt_bytes("t.raw", b"<xml>\xff</xml>");
        assert_eq!(c.decrypt_bytes("t.raw", &b).unwrap(), b"<xml>\xff</xml>");
        assert!(c.decrypt_bytes("t.other", &b).is_err());
        assert!(c.decrypt_bytes("t.raw", &b[..5]).is_err());
        assert!(c.is_current(&ct) && c.is_current_bytes(&b));
        let bi = c.blind_index("citizen_id", "11010519491231002X");
        assert_eq!(bi.len(), 64);
        assert_eq!(bi, c.blind_index("citizen_id", "11010519491231002X"));
        assert_ne!(bi, c.blind_index("phone", "11010519491231002X"));
        assert_ne!(
            bi,
            FieldCipher::from_key("k1", &[8u8; 32]).blind_index("citizen_id", "11010519491231002X")
        );
    }

    #[test]
    fn rotation_makes_a_new_current_key_in_creation_order() {
        let dir = std::env::temp_dir().join(format!("neibao-keys-{}", neibao_domain::ids::new_id()));
        let c1 = FieldCipher::load_or_create(&dir).unwrap();
        let ct = c1.encrypt("t", "v");
        for _ in 0..10 {
            rotate_keys(&dir).unwrap();
        }
        let c2 = FieldCipher::load_or_create(&dir).unwrap();
        assert_eq!(c2.current_key_id(), "k11");
        assert_eq!(c2.decrypt("t", &ct).unwrap(), "v");
        assert!(!c2.is_current(&ct));
        assert_eq!(
            c1.blind_index("d", "v"),
            c2.blind_index("d", "v"),
            "index key survives rotation"
        );
        assert_eq!(retire_keys(&dir, "k11").unwrap().len(), 10);
        assert!(FieldCipher::load_or_create(&dir).unwrap().decrypt("t", &ct).is_err());
        std::fs::remove_dir_all(&dir).ok();
    }
}
