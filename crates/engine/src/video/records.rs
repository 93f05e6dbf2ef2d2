//! The unit's video system as evidence beside the inspection checklist (`unit_records`):
//! `T4`/`U1` (no camera at a prohibited spot, S7 Art 8; signage, S7 Art 13), `T2` (storage
//! period, S7 Art 17), `T5` (every retrieval registered, S7 Art 16), `Z11` (the system's
//! commissioning date, from which the 30-day filing runs, S7 Art 14).

use neibao_domain::access::Principal;
use neibao_domain::unit_records::RecordLine;

use super::service::VideoService;
use crate::error::ServiceResult;

impl VideoService {
    /// The unit's video lines. 404 outside the scope.
    pub async fn records(&self, who: &Principal, unit_id: &str) -> ServiceResult<Vec<RecordLine>> {
        let s = self.summary(who, unit_id).await?;
        let href = format!("/units/{unit_id}/video");
        let mut cameras = format!("登记摄像机 {} 台", s.cameras);
        if s.prohibited > 0 {
            cameras.push_str(&format!("，其中 {} 台登记在禁止安装的区域", s.prohibited));
        } else {
            cameras.push_str("，无登记在禁止安装区域的摄像机");
        }
        if s.unrecorded_location > 0 {
            cameras.push_str(&format!("，{} 台未登记安装位置类型", s.unrecorded_location));
        }
        cameras.push_str(&format!(
            "；提示标识分组 {} 个，有照片佐证 {} 个。",
            s.signage_groups, s.signage_with_evidence
        ));
        let storage = match s.system.storage_days {
            Some(d) => format!("登记的视频存储期限为 {d} 日。"),
            None => "尚未登记视频存储期限。".to_string(),
        };
        let commissioned = match s.system.commissioned_on {
            Some(d) => format!("视频图像信息系统投入使用日期 {d}。"),
            None => "尚未登记视频图像信息系统投入使用日期。".to_string(),
        };
        Ok(vec![
            RecordLine::new(
                &["T4", "U1"],
                "视频图像信息系统",
                cameras,
                href.clone(),
                s.prohibited > 0 || s.unrecorded_location > 0 || s.signage_without_evidence > 0,
            ),
            RecordLine::new(
                &["T2"],
                "视频存储期限",
                storage,
                href.clone(),
                s.system.storage_days.is_none_or(|d| d < 30),
            ),
            RecordLine::new(
                &["T5"],
                "视频调阅登记",
                format!("近 90 日调阅登记 {} 次。", s.retrievals_90_days),
                href.clone(),
                false,
            ),
            RecordLine::new(
                &["Z11"],
                "视频图像信息系统",
                commissioned,
                href,
                s.system.commissioned_on.is_none() && s.cameras > 0,
            ),
        ])
    }
}
