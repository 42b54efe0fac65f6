-- AlterTable
ALTER TABLE "WorkflowVersion" ADD COLUMN     "message" TEXT NOT NULL DEFAULT '';
