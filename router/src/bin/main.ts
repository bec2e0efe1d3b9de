import { runRouter } from "../workers";

runRouter();
