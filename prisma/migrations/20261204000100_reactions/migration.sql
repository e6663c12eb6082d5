-- Reactions (DESIGN §4a): one row per (message, user, emoji), kept when the reaction is
-- taken back (is_removed = 1), so the last change wins whatever order devices push in:
-- `stamp` is the device's time of the change and its op id, compared as text.
CREATE TABLE `reactions` (
    `message_id` INT NOT NULL,
    `user_id` INT NOT NULL,
    `emoji` VARCHAR(32) NOT NULL,
    `is_removed` TINYINT(1) NOT NULL DEFAULT 0,
    `stamp` VARCHAR(64) NOT NULL,
    `created_at` DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
    `updated_at` DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
    PRIMARY KEY (`message_id`, `user_id`, `emoji`),
    INDEX `idx_reactions_user` (`user_id`),
    CONSTRAINT `reactions_message_fkey` FOREIGN KEY (`message_id`) REFERENCES `messages`(`message_id`) ON DELETE CASCADE ON UPDATE RESTRICT,
    CONSTRAINT `reactions_user_fkey` FOREIGN KEY (`user_id`) REFERENCES `users`(`user_id`) ON DELETE CASCADE ON UPDATE RESTRICT
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_bin;

-- messages: set once a message is first reacted to, so reading a message without any
--   reaction costs no lookup.
ALTER TABLE `messages` ADD COLUMN `has_reactions` TINYINT(1) NOT NULL DEFAULT 0;
