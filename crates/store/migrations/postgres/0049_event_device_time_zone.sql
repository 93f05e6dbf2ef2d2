-- The IANA zone an event's device_time was read in because the device sent it without a UTC
-- offset (docs/DEVICE-FORMATS.md §0.4); NULL when the device gave an offset, or no time. Shown
-- with the event (设备未给出时区，按 Asia/Shanghai 解读).
ALTER TABLE events ADD COLUMN device_time_zone TEXT;
