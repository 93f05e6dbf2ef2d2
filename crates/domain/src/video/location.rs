//! The location type of a camera (安装位置类型) and the prohibited-spot rule of S7 Art 8
//! (docs/REQUIREMENTS.md R49, R85).

use serde::{Deserialize, Serialize};

use crate::error::{DomainError, ErrorCode};

/// Where a camera is installed. The last eight are the spots S7 Art 8 ¶1 items (1)–(3)
/// prohibit (docs/REQUIREMENTS.md R49; R85 for student dormitory rooms).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum LocationType {
    /// 出入口.
    Entrance,
    /// 周界.
    Perimeter,
    /// 公共区域.
    PublicArea,
    /// 通道走廊.
    Corridor,
    /// 停车场.
    Parking,
    /// 重要部位.
    KeyPart,
    /// 其他.
    Other,
    /// 旅馆、民宿客房 (prohibited: S7 Art 8 ¶1 item 1).
    GuestRoom,
    /// 学生宿舍房间 (prohibited: S7 Art 8 ¶1 item 2; R85).
    StudentDormitory,
    /// 单位员工休息室、宿舍房间 (prohibited: S7 Art 8 ¶1 item 2).
    StaffRestRoom,
    /// 公共浴室 (prohibited: S7 Art 8 ¶1 item 3).
    PublicBath,
    /// 卫生间 (prohibited: S7 Art 8 ¶1 item 3).
    Toilet,
    /// 更衣室 (prohibited: S7 Art 8 ¶1 item 3).
    ChangingRoom,
    /// 哺乳室 (prohibited: S7 Art 8 ¶1 item 3).
    NursingRoom,
    /// 试衣间 (prohibited: S7 Art 8 ¶1 item 3).
    FittingRoom,
}

impl LocationType {
    /// Every location type, the permitted ones first.
    pub const ALL: [LocationType; 15] = [
        LocationType::Entrance,
        LocationType::Perimeter,
        LocationType::PublicArea,
        LocationType::Corridor,
        LocationType::Parking,
        LocationType::KeyPart,
        LocationType::Other,
        LocationType::GuestRoom,
        LocationType::StudentDormitory,
        LocationType::StaffRestRoom,
        LocationType::PublicBath,
        LocationType::Toilet,
        LocationType::ChangingRoom,
        LocationType::NursingRoom,
        LocationType::FittingRoom,
    ];

    /// Stable code (the serde form), e.g. `student_dormitory`.
    pub fn code(self) -> &'static str {
        match self {
            LocationType::Entrance => "entrance",
            LocationType::Perimeter => "perimeter",
            LocationType::PublicArea => "public_area",
            LocationType::Corridor => "corridor",
            LocationType::Parking => "parking",
            LocationType::KeyPart => "key_part",
            LocationType::Other => "other",
            LocationType::GuestRoom => "guest_room",
            LocationType::StudentDormitory => "student_dormitory",
            LocationType::StaffRestRoom => "staff_rest_room",
            LocationType::PublicBath => "public_bath",
            LocationType::Toilet => "toilet",
            LocationType::ChangingRoom => "changing_room",
            LocationType::NursingRoom => "nursing_room",
            LocationType::FittingRoom => "fitting_room",
        }
    }

    /// What a person reads.
    pub fn label_zh(self) -> &'static str {
        match self {
            LocationType::Entrance => "出入口",
            LocationType::Perimeter => "周界",
            LocationType::PublicArea => "公共区域",
            LocationType::Corridor => "通道走廊",
            LocationType::Parking => "停车场",
            LocationType::KeyPart => "重要部位",
            LocationType::Other => "其他",
            LocationType::GuestRoom => "旅馆、民宿客房内部",
            LocationType::StudentDormitory => "学生宿舍房间内部",
            LocationType::StaffRestRoom => "单位员工休息室、宿舍房间内部",
            LocationType::PublicBath => "公共浴室内部",
            LocationType::Toilet => "卫生间内部",
            LocationType::ChangingRoom => "更衣室内部",
            LocationType::NursingRoom => "哺乳室内部",
            LocationType::FittingRoom => "试衣间内部",
        }
    }

    /// The code's location type; `None` for an unknown code.
    pub fn from_code(code: &str) -> Option<LocationType> {
        LocationType::ALL.into_iter().find(|l| l.code() == code)
    }

    /// The item of S7 Art 8 ¶1 that prohibits cameras here (1–3); `None`: permitted.
    pub fn prohibiting_item(self) -> Option<u8> {
        match self {
            LocationType::GuestRoom => Some(1),
            LocationType::StudentDormitory | LocationType::StaffRestRoom => Some(2),
            LocationType::PublicBath
            | LocationType::Toilet
            | LocationType::ChangingRoom
            | LocationType::NursingRoom
            | LocationType::FittingRoom => Some(3),
            _ => None,
        }
    }

    /// Whether S7 Art 8 prohibits installing a camera here.
    pub fn prohibited(self) -> bool {
        self.prohibiting_item().is_some()
    }
}

/// The article cited when a camera is refused for its location (R49: S7 Art 8 ¶1).
pub fn prohibition_article(item: u8) -> String {
    let n = ["一", "二", "三"]
        .get(usize::from(item.saturating_sub(1)))
        .copied()
        .unwrap_or("四");
    format!("《公共安全视频图像信息系统管理条例》第八条第一款第（{n}）项")
}

/// Refuses a camera at a prohibited location type with `prohibited_camera_location` (422) and a
/// zh-CN message citing S7 Art 8 (docs/REQUIREMENTS.md R49, R85); permitted types pass.
pub fn check_location(location: LocationType) -> Result<(), DomainError> {
    match location.prohibiting_item() {
        None => Ok(()),
        Some(item) => Err(DomainError::with_message(
            ErrorCode::ProhibitedCameraLocation,
            format!(
                "依据{}，禁止在{}安装图像采集设备，不予登记",
                prohibition_article(item),
                location.label_zh()
            ),
        )),
    }
}

/// Parses a location type code taken from a request: empty → `None`; unknown →
/// `validation_failed` (400).
pub fn parse_location(code: &str) -> Result<Option<LocationType>, DomainError> {
    let code = code.trim();
    if code.is_empty() {
        return Ok(None);
    }
    LocationType::from_code(code)
        .map(Some)
        .ok_or_else(|| DomainError::with_message(ErrorCode::ValidationFailed, "安装位置类型无效"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prohibited_spots_cite_article_8() {
        let e = check_location(LocationType::StudentDormitory).unwrap_err();
        assert_eq!(e.code, ErrorCode::ProhibitedCameraLocation);
        assert!(e.message.contains("第八条第一款第（二）项"), "{}", e.message);
        assert!(check_location(LocationType::Entrance).is_ok());
        assert_eq!(LocationType::ALL.iter().filter(|l| l.prohibited()).count(), 8);
        for l in LocationType::ALL {
            assert_eq!(LocationType::from_code(l.code()), Some(l));
        }
        assert!(parse_location("x").is_err());
        assert_eq!(parse_location("").unwrap(), None);
    }
}
