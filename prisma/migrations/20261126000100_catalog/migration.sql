-- Services offered and requests posted: the contexts a conversation can be about.
CREATE TABLE `services` (
    `service_id` INT NOT NULL AUTO_INCREMENT,
    `provider_id` INT NOT NULL,
    `title` VARCHAR(200) NOT NULL,
    `description` TEXT NOT NULL,
    `hours` INT NOT NULL DEFAULT 1,
    `created_at` DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
    INDEX `idx_services_provider_id`(`provider_id`),
    PRIMARY KEY (`service_id`),
    CONSTRAINT `services_provider_id_fkey` FOREIGN KEY (`provider_id`) REFERENCES `users`(`user_id`) ON DELETE CASCADE ON UPDATE RESTRICT
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;

CREATE TABLE `requests` (
    `request_id` INT NOT NULL AUTO_INCREMENT,
    `requester_id` INT NOT NULL,
    `title` VARCHAR(200) NOT NULL,
    `description` TEXT NOT NULL,
    `hours` INT NOT NULL DEFAULT 1,
    `created_at` DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
    INDEX `idx_requests_requester_id`(`requester_id`),
    PRIMARY KEY (`request_id`),
    CONSTRAINT `requests_requester_id_fkey` FOREIGN KEY (`requester_id`) REFERENCES `users`(`user_id`) ON DELETE CASCADE ON UPDATE RESTRICT
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
