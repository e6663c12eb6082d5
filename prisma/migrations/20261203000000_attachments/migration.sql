-- Attachments (docs/attachments.md).
--
-- uploads: one row per resumable upload a user started. Its bytes arrive through tus;
--   once complete it holds their SHA-256 (the blob's name in the store: the same bytes
--   are stored once) and the content type sniffed from them. A blob is kept while any
--   upload row names it; an upload row is kept while a live message refers to it, and an
--   unsent one for a day.
CREATE TABLE `uploads` (
    `upload_id` VARCHAR(64) NOT NULL,
    `uploader_id` INT NOT NULL,
    `file_name` VARCHAR(200) NOT NULL,
    `file_size` BIGINT NOT NULL,
    `sha256` CHAR(64) NULL,
    `content_type` VARCHAR(100) NULL,
    `created_at` DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
    `completed_at` DATETIME(3) NULL,
    PRIMARY KEY (`upload_id`),
    INDEX `idx_uploads_uploader` (`uploader_id`, `created_at`),
    INDEX `idx_uploads_sha256` (`sha256`),
    CONSTRAINT `uploads_uploader_fkey` FOREIGN KEY (`uploader_id`) REFERENCES `users`(`user_id`) ON DELETE CASCADE ON UPDATE RESTRICT
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;

-- messages: the seed's file_url, file_name and file_size describe an attachment; these
--   two say which upload it is (what a download checks membership through) and what the
--   sending device measured of an image (width, height, a small thumbnail), as JSON.
ALTER TABLE `messages`
    ADD COLUMN `attachment_id` VARCHAR(64) NULL,
    ADD COLUMN `attachment_meta` MEDIUMTEXT NULL,
    ADD INDEX `idx_messages_attachment` (`attachment_id`);
