-- A device's time zone as an IANA name (tz database, read with chrono-tz), for the times it sends
-- without a UTC offset (GB/T 28181 AlarmTime, Dahua LocaleTime, Hikvision DVR dateTime, ZKTeco
-- rows; docs/DEVICE-FORMATS.md §0.4). NULL: the installation's zone, Asia/Shanghai. Replaces the
-- fixed utc_offset_minutes of 0015 (kept, no longer read): +480 becomes NULL, 0 UTC, +360
-- Asia/Urumqi, other whole hours the Etc/GMT zone of that offset (Etc/GMT-9 is UTC+9), the
-- half and three-quarter hours in use the zone that has that offset all year; anything else NULL.
ALTER TABLE devices ADD COLUMN time_zone TEXT;
UPDATE devices SET time_zone = CASE
    WHEN utc_offset_minutes = 0 THEN 'UTC'
    WHEN utc_offset_minutes = 360 THEN 'Asia/Urumqi'
    WHEN utc_offset_minutes = 330 THEN 'Asia/Kolkata'
    WHEN utc_offset_minutes = 345 THEN 'Asia/Kathmandu'
    WHEN utc_offset_minutes = 390 THEN 'Asia/Yangon'
    WHEN utc_offset_minutes = 270 THEN 'Asia/Kabul'
    WHEN utc_offset_minutes = 210 THEN 'Asia/Tehran'
    WHEN utc_offset_minutes = 570 THEN 'Australia/Darwin'
    WHEN utc_offset_minutes = 525 THEN 'Australia/Eucla'
    WHEN utc_offset_minutes = -570 THEN 'Pacific/Marquesas'
    WHEN utc_offset_minutes % 60 = 0 AND utc_offset_minutes BETWEEN -720 AND 840
        THEN 'Etc/GMT' || CASE WHEN utc_offset_minutes > 0 THEN '-' ELSE '+' END || (ABS(utc_offset_minutes) / 60)
    ELSE NULL
END
WHERE utc_offset_minutes IS NOT NULL AND utc_offset_minutes <> 480;
