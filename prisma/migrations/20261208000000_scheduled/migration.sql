-- Scheduled messages (DESIGN §4a, docs/scheduling.md): a message its sender wrote for
-- later, held by the server until its time and then sent as the sender, even with every
-- device of theirs off.
--
-- One row per (sender, client_msg_id), the id the message will have once sent, so the
-- delivery is idempotent like any send. `stamp` is the device's time of the last change
-- and its op id: the later change wins whatever order devices push in. `state` moves
-- from scheduled to sent or cancelled (by the sender, or with `failure` when the server
-- could not send it, e.g. the sender left the group), never back from sent.
-- `change_epoch` stamps every change, for the sender's pull.
CREATE TABLE `scheduled_messages` (
    `sender_id` INT NOT NULL,
    `client_msg_id` CHAR(36) NOT NULL,
    `conversation_id` INT NOT NULL,
    `content` TEXT NOT NULL,
    `due_at` DATETIME(3) NOT NULL,
    `state` ENUM('scheduled', 'sent', 'cancelled') NOT NULL DEFAULT 'scheduled',
    `stamp` VARCHAR(64) NOT NULL,
    `message_id` INT NULL,
    `sent_at` DATETIME(3) NULL,
    `failure` VARCHAR(200) NULL,
    `change_epoch` BIGINT NOT NULL DEFAULT 0,
    `created_at` DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
    `updated_at` DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
    PRIMARY KEY (`sender_id`, `client_msg_id`),
    INDEX `idx_scheduled_due` (`state`, `due_at`),
    INDEX `idx_scheduled_sender_epoch` (`sender_id`, `change_epoch`),
    CONSTRAINT `scheduled_messages_sender_fkey` FOREIGN KEY (`sender_id`) REFERENCES `users`(`user_id`) ON DELETE CASCADE ON UPDATE RESTRICT,
    CONSTRAINT `scheduled_messages_conversation_fkey` FOREIGN KEY (`conversation_id`) REFERENCES `conversations`(`conversation_id`) ON DELETE CASCADE ON UPDATE RESTRICT
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;

-- messages.scheduled_for: when a message sent by the server on its sender's behalf was
--   due, so a late delivery (the server was down at its time) shows as late.
ALTER TABLE `messages` ADD COLUMN `scheduled_for` DATETIME(3) NULL, ALGORITHM=INSTANT;
