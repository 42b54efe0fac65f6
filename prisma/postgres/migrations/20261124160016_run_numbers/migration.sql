-- AlterTable
ALTER TABLE "Workflow" ADD COLUMN     "lastRunNumber" INTEGER NOT NULL DEFAULT 0;

-- Existing workflows continue from their newest run.
UPDATE "Workflow" SET "lastRunNumber" = (SELECT COALESCE(MAX("number"), 0) FROM "Run" WHERE "Run"."workflowId" = "Workflow"."id");
