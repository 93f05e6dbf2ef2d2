-- A device's own time zone, for the times it sends without a UTC offset (GB/T 28181 AlarmTime,
-- Dahua LocaleTime, Hikvision DVR dateTime, ZKTeco rows; docs/DEVICE-FORMATS.md §0.4): minutes
-- east of UTC. NULL: the installation's zone, Asia/Shanghai (+480).
ALTER TABLE devices ADD COLUMN utc_offset_minutes INTEGER;
