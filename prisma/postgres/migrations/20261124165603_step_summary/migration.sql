-- AlterTable
ALTER TABLE "RunStep" ADD COLUMN     "summary" TEXT;
