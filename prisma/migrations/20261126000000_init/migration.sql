-- Users and sessions: what the seed's foreign keys point at, and signed-in devices.
CREATE TABLE `users` (
    `user_id` INT NOT NULL AUTO_INCREMENT,
    `email` VARCHAR(254) NOT NULL,
    `display_name` VARCHAR(100) NOT NULL,
    `password_hash` VARCHAR(255) NOT NULL,
    `created_at` DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
    `updated_at` DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3),
    UNIQUE INDEX `users_email_key`(`email`),
    INDEX `idx_users_display_name`(`display_name`),
    PRIMARY KEY (`user_id`)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;

CREATE TABLE `sessions` (
    `session_id` INT NOT NULL AUTO_INCREMENT,
    `user_id` INT NOT NULL,
    `token_hash` CHAR(64) NOT NULL,
    `device_name` VARCHAR(100) NULL,
    `created_at` DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
    `last_seen_at` DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
    `expires_at` DATETIME(3) NOT NULL,
    `revoked_at` DATETIME(3) NULL,
    UNIQUE INDEX `sessions_token_hash_key`(`token_hash`),
    INDEX `idx_sessions_user_id`(`user_id`),
    PRIMARY KEY (`session_id`),
    CONSTRAINT `sessions_user_id_fkey` FOREIGN KEY (`user_id`) REFERENCES `users`(`user_id`) ON DELETE CASCADE ON UPDATE RESTRICT
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;

-- The seed's conversations table, column for column, plus:
--   pair_key    one row per (pair, type, context), so concurrent find-or-create cannot duplicate;
--   change_seq  the conversation's change version; every change to it or its messages takes
--               the next numbers while holding the row lock (DESIGN §3.3).
CREATE TABLE `conversations` (
    `conversation_id` INT NOT NULL AUTO_INCREMENT,
    `user1_id` INT NOT NULL,
    `user2_id` INT NOT NULL,
    `conversation_type` ENUM('service', 'request', 'general') NULL DEFAULT 'general',
    `context_id` INT NULL,
    `context_title` VARCHAR(200) NULL,
    `created_at` DATETIME NULL DEFAULT CURRENT_TIMESTAMP,
    `updated_at` DATETIME NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP,
    `is_active` BOOLEAN NULL DEFAULT true,
    `last_message_id` INT NULL,
    `last_message_at` DATETIME NULL,
    `pair_key` VARCHAR(64) NULL,
    `change_seq` BIGINT NOT NULL DEFAULT 0,
    INDEX `idx_user1_id`(`user1_id`),
    INDEX `idx_user2_id`(`user2_id`),
    INDEX `idx_conversation_type`(`conversation_type`),
    INDEX `idx_updated_at`(`updated_at`),
    UNIQUE INDEX `uq_conversations_pair_key`(`pair_key`),
    PRIMARY KEY (`conversation_id`),
    CONSTRAINT `conversations_ibfk_1` FOREIGN KEY (`user1_id`) REFERENCES `users`(`user_id`) ON DELETE CASCADE ON UPDATE RESTRICT,
    CONSTRAINT `conversations_ibfk_2` FOREIGN KEY (`user2_id`) REFERENCES `users`(`user_id`) ON DELETE CASCADE ON UPDATE RESTRICT
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;

-- The seed's messages table, column for column, plus:
--   client_msg_id  the id the sending device chose; unique per sender, it makes sends idempotent;
--   change_seq     position in the conversation's change history (see conversations.change_seq).
CREATE TABLE `messages` (
    `message_id` INT NOT NULL AUTO_INCREMENT,
    `conversation_id` INT NOT NULL,
    `sender_id` INT NOT NULL,
    `message_type` ENUM('text', 'image', 'file', 'system') NULL DEFAULT 'text',
    `content` TEXT NOT NULL,
    `created_at` DATETIME NULL DEFAULT CURRENT_TIMESTAMP,
    `updated_at` DATETIME NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP,
    `status` ENUM('sent', 'delivered', 'read') NULL DEFAULT 'sent',
    `is_edited` BOOLEAN NULL DEFAULT false,
    `is_deleted` BOOLEAN NULL DEFAULT false,
    `file_url` VARCHAR(500) NULL,
    `file_name` VARCHAR(200) NULL,
    `file_size` INT NULL,
    `client_msg_id` CHAR(36) NULL,
    `change_seq` BIGINT NOT NULL DEFAULT 0,
    INDEX `idx_conversation_id`(`conversation_id`),
    INDEX `idx_sender_id`(`sender_id`),
    INDEX `idx_created_at`(`created_at`),
    INDEX `idx_status`(`status`),
    UNIQUE INDEX `uq_messages_sender_client_msg`(`sender_id`, `client_msg_id`),
    INDEX `idx_messages_conversation_change`(`conversation_id`, `change_seq`),
    INDEX `idx_messages_conversation_status`(`conversation_id`, `status`, `sender_id`),
    PRIMARY KEY (`message_id`),
    CONSTRAINT `messages_ibfk_1` FOREIGN KEY (`conversation_id`) REFERENCES `conversations`(`conversation_id`) ON DELETE CASCADE ON UPDATE RESTRICT,
    CONSTRAINT `messages_ibfk_2` FOREIGN KEY (`sender_id`) REFERENCES `users`(`user_id`) ON DELETE CASCADE ON UPDATE RESTRICT
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;

-- Edits already applied, by the operation id the device chose: a retried edit after a
-- lost response must not overwrite a newer edit made since.
CREATE TABLE `applied_edits` (
    `sender_id` INT NOT NULL,
    `op_id` CHAR(36) NOT NULL,
    `message_id` INT NOT NULL,
    `applied_at` DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
    PRIMARY KEY (`sender_id`, `op_id`),
    CONSTRAINT `applied_edits_message_id_fkey` FOREIGN KEY (`message_id`) REFERENCES `messages`(`message_id`) ON DELETE CASCADE ON UPDATE RESTRICT
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
