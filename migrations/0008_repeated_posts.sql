ALTER TABLE `sessions` ADD `sign_in_key` text;--> statement-breakpoint
ALTER TABLE `users` ADD `sign_up_key` text;